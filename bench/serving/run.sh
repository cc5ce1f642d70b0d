#!/usr/bin/env bash
# Keel's server against the serving peers (../shared/bench/peers/serving/measure.sh: a no-op Kestrel endpoint and
# gunicorn + Flask + scikit-learn), on the credit_data model, with the prediction log on and then off.
# Run from the repository root: bench/serving/run.sh   (needs wrk, gunicorn, python3-flask; DUR, CONNS as measure.sh)
# Prints measure.sh's JSON lines, labelled; copy the figures into results.md.
set -eu
root=$(pwd)
peers=""
for d in "$root/../shared" "$root/../../shared" /work/shared; do
  [ -x "$d/bench/peers/serving/measure.sh" ] && { peers="$d/bench/peers/serving"; break; }
done
[ -n "$peers" ] || { echo "measure.sh not found beside or above the repository (shared/bench/peers/serving)" >&2; exit 1; }
work=$(mktemp -d); pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
dotnet publish src/Keel.Cli -c Release -o "$work/keel" >/dev/null
keel() { dotnet "$work/keel/keel.dll" --store "$work/store" "$@"; }
cp samples/credit_data.csv "$work/"
# One gradient-boosted candidate, as the Flask peer serves HistGradientBoosting.
cat > "$work/keel.yaml" <<'SPEC'
data: {path: credit_data.csv, label: Status, positive_class: good}
models: [zero_rule, lightgbm]
register: {name: credit-risk, alias: champion}
seed: 42
SPEC
keel run "$work/keel.yaml" >/dev/null
serve() {
  if curl -s -o /dev/null http://127.0.0.1:5103/; then echo "port 5103 is taken (an earlier run's server?)" >&2; return 1; fi
  dotnet "$work/keel/keel.dll" --store "$work/store" serve --port 5103 --model credit-risk@champion "$@" >>"${SERVE_LOG:-/tmp/keel-bench-serve.log}" 2>&1 & pid=$!
  for _ in $(seq 1 120); do curl -sf http://127.0.0.1:5103/v2/health/ready >/dev/null 2>&1 && return 0; sleep 0.5; done
  cat "${SERVE_LOG:-/tmp/keel-bench-serve.log}" >&2; return 1
}
serve
echo "# prediction log on"
KEEL_URL=http://127.0.0.1:5103 "$peers/measure.sh"
curl -s http://127.0.0.1:5103/metrics | grep -E '^keel_prediction_log_(written|dropped|failed)_total' || true
kill -0 "$pid" 2>/dev/null || { echo "keel serve died; its log: ${SERVE_LOG:-/tmp/keel-bench-serve.log}" >&2; exit 1; }
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
serve --no-prediction-log
echo "# prediction log off (keel only; the peers run again too)"
KEEL_URL=http://127.0.0.1:5103 "$peers/measure.sh"
