#!/usr/bin/env bash
# `keel predict` on flights-3m (3M rows, 112 MB CSV): trains a LightGBM model on every 15th row (200,000 rows; label delayed,
# `delay` ignored as it defines the label, the date as month/day-of-week/hour features), registers it as flights-delay@champion,
# then predicts the whole file to CSV under /usr/bin/time -v. Prints wall time and peak RSS; exit 1 when the peak is 2 GB or more
# or the output does not hold one line per input row.
# Run from the repository root, under the bench lock: flock /tmp/keel-bench.lock bench/serving/predict_flights.sh
# Env: FLIGHTS_CSV (default /work/data/flights-3m.csv, a `delayed` column added), KEEL_DIR (a published keel.dll; skips the publish).
set -eu
csv=${FLIGHTS_CSV:-/work/data/flights-3m.csv}
[ -f "$csv" ] || { echo "SKIPPED: $csv is absent (the flights CSV with a delayed column)"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dir=${KEEL_DIR:-}
if [ -z "$dir" ]; then dotnet publish src/Keel.Cli -c Release -o "$work/keel" >/dev/null; dir="$work/keel"; fi
awk 'NR == 1 || NR % 15 == 0' "$csv" > "$work/sample.csv"
cat > "$work/keel.yaml" <<'SPEC'
data:
  path: sample.csv
  label: delayed
  positive_class: "1"
  ignore: [delay]
  time_column: date
  time_features: [month, dayofweek, hour]
models: [zero_rule, lightgbm]
register: {name: flights-delay, alias: champion}
seed: 42
SPEC
(cd "$work" && dotnet "$dir/keel.dll" --store "$work/store" run keel.yaml > "$work/run.log" 2>&1) || { cat "$work/run.log"; exit 1; }
/usr/bin/time -v dotnet "$dir/keel.dll" --store "$work/store" predict --model flights-delay@champion --input "$csv" --output "$work/scored.csv" \
  > "$work/predict.log" 2>&1 || { tail -20 "$work/predict.log"; exit 1; }
tr '\r' '\n' < "$work/predict.log" | grep -E "rows predicted|Elapsed|Maximum resident" | tail -3
rss=$(grep "Maximum resident" "$work/predict.log" | awk '{print $NF}')
lines=$(($(wc -l < "$work/scored.csv") - 1)); rows=$(($(wc -l < "$csv") - 1))
echo "{\"input_rows\": $rows, \"output_rows\": $lines, \"peak_rss_mib\": $((rss / 1024))}"
[ "$lines" -eq "$rows" ] || { echo "output has $lines rows for $rows input rows" >&2; exit 1; }
[ "$rss" -lt $((2 * 1024 * 1024)) ] || { echo "peak RSS $((rss / 1024)) MiB is not under 2 GB" >&2; exit 1; }
