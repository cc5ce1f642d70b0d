#!/usr/bin/env bash
# keel sample --strategy reservoir in constant memory: peak RSS over the first 1M rows of flights-3m and over all 3M.
# Usage (repository root): flock /tmp/keel-bench.lock bash bench/data/reservoir.sh
# Needs flights-3m as CSV (FLIGHTS_CSV, default /work/data/flights-3m.csv; bench/flights/run.sh makes one from the Parquet file).
set -euo pipefail
cd "$(dirname "$0")/../.."
csv=${FLIGHTS_CSV:-/work/data/flights-3m.csv}
work=${WORK:-bench/out/reservoir}
n=${N:-10000}
if [ ! -f "$csv" ]; then echo "SKIPPED: $csv is absent"; exit 0; fi
mkdir -p "$work"
head -n 1000001 "$csv" > "$work/flights-1m.csv"
dotnet build src/Keel.Cli -c Release -o "$work/keel" -v q -nologo >/dev/null
for f in "$work/flights-1m.csv" "$csv"; do
  /usr/bin/time -v "$work/keel/keel" sample "$f" --strategy reservoir --n "$n" --seed 1 --output "$work/sample.csv" --json > "$work/out.json" 2> "$work/time.log"
  rows=$(grep -o '"input_rows": [0-9]*' "$work/out.json" | grep -o '[0-9]*$')
  echo "$(basename "$f"): $rows rows, n $n, $(grep -E 'Elapsed' "$work/time.log" | sed 's/.*: //') wall, peak RSS $(grep 'Maximum resident' "$work/time.log" | grep -o '[0-9]*$') KB"
done
