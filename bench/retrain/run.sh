#!/usr/bin/env bash
# The flights-3m retraining walk-through of docs/monitoring.md: train on January–February 2001, then `keel retrain` on a
# 60-day sliding window ending in June, with the 20,000 most recent rows held out as the comparison set.
# Every 4th row of /work/data/flights-3m.csv is used (about 750k rows in all) to keep it short on a shared machine.
# Usage: bench/retrain/run.sh [WORK_FOLDER]   (heavy: run it under flock /tmp/keel-bench.lock)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/keel-retrain-flights}"
data="${FLIGHTS_CSV:-/work/data/flights-3m.csv}"
mkdir -p "$work" && cd "$work" && rm -rf .keel
awk -F, 'NR==1{print > "jf.csv"; print > "all.csv"; next} (NR%4==0){ m=substr($1,6,2); if (m=="01"||m=="02") print > "jf.csv"; if (m<="06") print > "all.csv"}' "$data"
cp "$here/flights-champion.yaml" champion.yaml
cp "$here/flights-retrain.yaml" retrain.yaml
dotnet build "$repo/src/Keel.Cli" -c Release -v q >/dev/null
keel="dotnet $repo/src/Keel.Cli/bin/Release/net10.0/keel.dll"
/usr/bin/time -f "champion: %e s wall, %M KiB peak" $keel run champion.yaml --json > champion.json
set +e
/usr/bin/time -f "retrain: %e s wall, %M KiB peak" $keel retrain retrain.yaml --model flights@champion
echo "keel retrain exit code $? (0 promoted, 5 not promoted)"
