#!/usr/bin/env bash
# Keel's LightGBM beside the peer's XGBoost 1.7 hist on flights-3m, in one run, same machine, all cores: the peer's
# features (month, day, day of week, hour, minute of day, distance, origin, destination as categories), train Jan-Apr,
# test May-Jun, 200 trees, depth 8, learning rate 0.1, 256 bins. Prints each side's JSON (Keel: read, split, featurise,
# train and predict seconds apart; test AUC; peak RSS) and the train-time ratio and AUC difference.
# Usage (repository root): bash bench/flights/side_by_side.sh [FLIGHTS_CSV] [keel LightGBM option=value ...]
# (mlnet_predict=true also times ML.NET's own scoring of the test rows, which Keel's TreeScorer replaced, and checks both
#  give the same predictions; its memory then counts in Keel's peak RSS.)
# Round 5's option set (bench/results.md): ... maximum_categorical_split_point_count=64 categorical_smoothing=1
#   categorical_l2_regularization=1 minimum_example_count_per_group=10
#   (since round 6 the defaults from 100,000 training rows, so flights gets them with no options; LightGBM's own:
#   maximum_categorical_split_point_count=32 categorical_smoothing=10 categorical_l2_regularization=10 minimum_example_count_per_group=100)
# Takes the lock itself after building: do not wrap it in `flock /tmp/keel-bench.lock` (the second lock waits forever).
# (default CSV: bench/out/flights/flights-3m.csv, converted from ../shared/datasets/flights-3m.parquet when absent)
# Needs /usr/bin/python3 with xgboost 1.7, pandas and scikit-learn (Debian: python3-xgboost python3-pandas python3-sklearn).
# Takes /tmp/keel-bench.lock so no other heavy job runs beside it.
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${SHARED:-../shared}
work=${WORK:-bench/out/flights}
csv=$(realpath -m "${1:-${FLIGHTS_CSV:-$work/flights-3m.csv}}"); shift || true
mkdir -p "$work"
if [ ! -f "$csv" ]; then
  # As run.sh: the peers' converter writes flights-3m.parquet as CSV with delayed = delay > 15.
  parquet=$(realpath -m "${FLIGHTS_PARQUET:-$shared/datasets/flights-3m.parquet}")
  if [ ! -f "$parquet" ]; then echo "SKIPPED: neither $csv nor $parquet exists (see ../shared/datasets/README.md)"; exit 0; fi
  tmp=$(mktemp -d); cp "$shared/bench/peers/flights_csv.cs" "$tmp/"
  (cd "$tmp" && dotnet run flights_csv.cs "$parquet" "$csv")
  rm -rf "$tmp"
fi
dotnet build bench/Keel.Bench -c Release -o "$work/bench" -v q -nologo >/dev/null
exec 9>/tmp/keel-bench.lock
flock 9
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
MODELS=xgboost /usr/bin/time -f "xgboost peak RSS %M KB, wall %e s" /usr/bin/python3 "$shared/bench/peers/flights.py" "$csv" "$work/xgboost.json" \
  2> "$work/xgboost.time" | tail -1
cat "$work/xgboost.time" | tail -1
/usr/bin/time -f "keel peak RSS %M KB, wall %e s" "$work/bench/Keel.Bench" flights "$csv" "$@" > "$work/keel.json" 2> "$work/keel.time"
cat "$work/keel.json"; tail -1 "$work/keel.time"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$work/xgboost.json" "$work/keel.json" <<'PY'
import json, sys
x = json.load(open(sys.argv[1]))["models"]["xgboost_hist"]; k = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
print(f"train time keel/xgboost: {k['train_s']:.1f} / {x['train_s']:.1f} s = {k['train_s'] / x['train_s']:.2f}x (bar <= 1.0); "
      f"keel read {k['read_s']:.1f} s + featurise {k['featurize_s']:.1f} s apart")
print(f"predict time keel/xgboost: {k['predict_s']:.1f} / {x['predict_s']:.1f} s = {k['predict_s'] / x['predict_s']:.2f}x"
      + (f"; ML.NET's own scoring {k['predict_mlnet_s']:.1f} s, same predictions: {k['predict_identical']}" if 'predict_mlnet_s' in k else ""))
print(f"test AUC keel - xgboost: {k['auc']:.4f} - {x['auc']:.4f} = {k['auc'] - x['auc']:+.4f} (bar >= -0.002)")
PY
