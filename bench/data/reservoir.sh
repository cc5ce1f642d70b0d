#!/usr/bin/env bash
# keel sample --strategy reservoir in constant memory: peak RSS over the first 1M rows of flights-3m and over all 3M (CSV),
# and over flights-3m.parquet (its row count is in the footer: only the drawn rows are read).
# Usage (repository root): flock /tmp/keel-bench.lock bash bench/data/reservoir.sh
# Needs flights-3m as CSV (FLIGHTS_CSV, default /work/data/flights-3m.csv; bench/flights/run.sh makes one from the Parquet file)
# and/or as Parquet (FLIGHTS_PARQUET, default ../shared/datasets/flights-3m.parquet); each absent one is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/../.."
csv=${FLIGHTS_CSV:-/work/data/flights-3m.csv}
parquet=${FLIGHTS_PARQUET:-../shared/datasets/flights-3m.parquet}
work=${WORK:-bench/out/reservoir}
n=${N:-10000}
if [ ! -f "$csv" ] && [ ! -f "$parquet" ]; then echo "SKIPPED: neither $csv nor $parquet is present"; exit 0; fi
mkdir -p "$work"
dotnet build src/Keel.Cli -c Release -o "$work/keel" -v q -nologo >/dev/null
inputs=()
if [ -f "$csv" ]; then
  head -n 1000001 "$csv" > "$work/flights-1m.csv"
  inputs+=("$work/flights-1m.csv" "$csv")
else
  echo "SKIPPED (CSV): $csv is absent"
fi
if [ -f "$parquet" ]; then inputs+=("$parquet"); else echo "SKIPPED (Parquet): $parquet is absent"; fi
for f in "${inputs[@]}"; do
  out="$work/sample.${f##*.}"
  /usr/bin/time -v "$work/keel/keel" sample "$f" --strategy reservoir --n "$n" --seed 1 --output "$out" --json > "$work/out.json" 2> "$work/time.log"
  rows=$(grep -o '"input_rows": [0-9]*' "$work/out.json" | grep -o '[0-9]*$')
  echo "$(basename "$f"): $rows rows, n $n, $(grep -E 'Elapsed' "$work/time.log" | sed 's/.*: //') wall, peak RSS $(grep 'Maximum resident' "$work/time.log" | grep -o '[0-9]*$') KB"
done
