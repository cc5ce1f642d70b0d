#!/usr/bin/env bash
# The leakage checks at scale: a 200k-row reservoir sample of flights-3m with the raw `delay` left in as a feature of
# `delayed` (target leakage must name delay), the same with delay ignored (nothing), and credit_data with 5 % of its
# test rows copied into train (duplicates). Usage (repository root): flock /tmp/keel-bench.lock bash bench/data/leakage.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
csv=${FLIGHTS_CSV:-/work/data/flights-3m.csv}
work=${WORK:-bench/out/leakage}
if [ ! -f "$csv" ]; then echo "SKIPPED: $csv is absent"; exit 0; fi
mkdir -p "$work"
dotnet build src/Keel.Cli -c Release -o "$work/keel" -v q -nologo >/dev/null
keel="$work/keel/keel"
"$keel" sample "$csv" --strategy reservoir --n 200000 --seed 8 --output "$work/flights-200k.csv" --json > /dev/null
checks() { python3 -c 'import json,sys; d=json.load(sys.stdin); [print("  ", f["check"], f["severity"], f["columns"], f["row_count"], f["message"][:160]) for f in d["checks"]["leakage"]] or print("   no leakage finding")'; }
for ignore in "[]" "[delay]"; do
  printf 'data: {path: flights-200k.csv, label: delayed, time_column: date, ignore: %s}\nsplit: {strategy: time}\nmodels: [zero_rule, linear]\n' "$ignore" > "$work/flights.yaml"
  echo "flights 200k, ignore $ignore:"
  /usr/bin/time -f "   %e s wall, %M KB peak" "$keel" run "$work/flights.yaml" --store "$work/store" --json | checks
done
python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
lines = open("samples/credit_data.csv").read().splitlines()
test = [int(x) for x in open("samples/splits/credit_data.test.txt").read().split()]
copied = test[::20]
open(f"{w}/credit.csv", "w").write("\n".join(lines + [lines[r + 1] for r in copied]) + "\n")
open(f"{w}/test.txt", "w").write("\n".join(map(str, test)) + "\n")
open(f"{w}/credit.yaml", "w").write("data: {path: credit.csv, label: Status}\nsplit: {strategy: predefined, predefined: {test_rows: test.txt}}\nmodels: [zero_rule, linear]\n")
print(f"credit_data with {len(copied)} of {len(test)} test rows copied into train:")
PY
"$keel" run "$work/credit.yaml" --store "$work/store" --json | checks
