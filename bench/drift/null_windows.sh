#!/usr/bin/env bash
# Drift verdicts on data that has not changed: two seeded random samples of flights-3m (100,000 rows as the reference,
# 40,000 shuffled as the current data), cut into windows of 250 to 10,000 rows (WINDOWS="..." to choose). Every window a column is called drifted
# in is a false alarm. docs/monitoring.md ("The verdict") holds the figures.
# Usage: bench/drift/null_windows.sh [KEEL_DLL] [WORK_FOLDER]   (FLIGHTS_CSV, default /work/data/flights-3m.csv, made by
#        dotnet run ../shared/bench/peers/flights_csv.cs PARQUET CSV)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
keel_dll="${1:-}"
work="${2:-/tmp/keel-drift-null}"
data="${FLIGHTS_CSV:-/work/data/flights-3m.csv}"
if [ ! -f "$data" ]; then echo "skipped: $data is absent (make it with flights_csv.cs from flights-3m.parquet)"; exit 0; fi
if [ -z "$keel_dll" ]; then
  dotnet build "$repo/src/Keel.Cli" -c Release -v q >/dev/null
  keel_dll="$repo/src/Keel.Cli/bin/Release/net10.0/keel.dll"
fi
keel="dotnet $keel_dll"
mkdir -p "$work" && cd "$work"
$keel sample "$data" --strategy reservoir --n 100000 --seed 11 --output ref.csv >/dev/null
$keel sample "$data" --strategy reservoir --n 40000 --seed 12 --output cur.csv >/dev/null
# The sample keeps file order (by time); shuffled, each window is a random draw like the reference.
python3 -c "
import random
lines = open('cur.csv').read().splitlines()
body = lines[1:]; random.Random(5).shuffle(body)
open('shuffled.csv', 'w').write('\n'.join([lines[0]] + body) + '\n')"
for w in ${WINDOWS:-250 500 1000 2000 5000 10000}; do
  $keel monitor --reference ref.csv --data shuffled.csv --window "$w" --no-store --json > "windows-$w.json"
  python3 - "$w" <<'PY'
import json, sys
w = sys.argv[1]
windows = json.load(open(f"windows-{w}.json"))["windows"]
drifted, js = {}, {}
for window in windows:
    for c in window["columns"]:
        drifted[c["column"]] = drifted.get(c["column"], 0) + (1 if c.get("drifted") else 0)
        if c.get("js") is not None: js.setdefault(c["column"], []).append(c["js"])
print(f"{w}-row windows ({len(windows)}): drifted " + ", ".join(f"{k} {v}" for k, v in drifted.items())
      + "; mean js " + ", ".join(f"{k} {sum(v) / len(v):.3f}" for k, v in js.items()))
PY
done
