#!/usr/bin/env bash
# The flights-3m walk-through of docs/monitoring.md: train on January–February 2001, monitor March–June month by month
# (`keel monitor --model`, drift per column and the delay-rate AUC from the joined labels), then `keel retrain`
# (bench/retrain's policy: 60-day sliding window ending in June, 20,000 most recent rows held out).
# Every 10th row of /work/data/flights-3m.csv is used, with a `row` key column added for the label join.
# Usage: bench/monitoring/walkthrough.sh [WORK_FOLDER]   (heavy: run it under flock /tmp/keel-bench.lock)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/keel-monitor-walkthrough}"
data="${FLIGHTS_CSV:-/work/data/flights-3m.csv}"
mkdir -p "$work" && cd "$work" && rm -rf .keel
awk -F, 'NR==1{h="row," $0; print h > "jf.csv"; print h > "mj.csv"; print h > "all.csv"; next}
         (NR%10==0){ m=substr($1,6,2); r=NR "," $0; if (m=="01"||m=="02") print r > "jf.csv"; else if (m<="06") print r > "mj.csv"; if (m<="06") print r > "all.csv"}' "$data"
for f in champion retrain; do
  sed -e 's/every 4th row/every 10th row/' -e 's/ignore: \[delay\]/ignore: [delay, row]/' "$repo/bench/retrain/flights-$f.yaml" > "$f.yaml"
done
sed -i 's/rows: 20000/rows: 8000/' retrain.yaml
dotnet build "$repo/src/Keel.Cli" -c Release -v q >/dev/null
keel="dotnet $repo/src/Keel.Cli/bin/Release/net10.0/keel.dll"
/usr/bin/time -f "champion: %e s wall, %M KiB peak" $keel run champion.yaml --json > champion.json
set +e
/usr/bin/time -f "monitor: %e s wall, %M KiB peak" $keel monitor --model flights@champion --data mj.csv --window 1mo --time-column date \
  --labels mj.csv --key row --json > monitor.json
echo "keel monitor exit code $?"
/usr/bin/time -f "monitor (reference file): %e s wall, %M KiB peak" $keel monitor --reference jf.csv --data mj.csv --window 1mo --time-column date \
  --json > monitor-file.json
python3 "$here/summary.py" monitor.json monitor-file.json
python3 - <<'PY'
import csv, collections
n = collections.Counter(); d = collections.Counter()
for row in csv.DictReader(open("all.csv")):
    m = row["date"][:7]; n[m] += 1; d[m] += row["delayed"] == "1"
print("delay rate by month:", ", ".join(f"{m} {d[m]/n[m]:.3f}" for m in sorted(n)))
PY
/usr/bin/time -f "retrain: %e s wall, %M KiB peak" $keel retrain retrain.yaml --model flights@champion
echo "keel retrain exit code $? (0 promoted, 5 not promoted)"
