#!/usr/bin/env bash
# What the integrity checks (keel run's first step, keel validate) cost on flights-3m: `keel init` reads the same file with
# the same reader (plus type inference and label encoding) and nothing else, so validate − init is the checks' share.
# Without --label: duplicates, constant and near-constant columns, mixed types, category variants, outliers. With
# --label delayed: also conflicting labels, class imbalance and the label-noise suspects (5-fold naive Bayes).
# Usage (repository root): flock /tmp/keel-bench.lock bash bench/data/integrity.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
csv=${FLIGHTS_CSV:-/work/data/flights-3m.csv}
work=${WORK:-bench/out/integrity}
if [ ! -f "$csv" ]; then echo "SKIPPED: $csv is absent"; exit 0; fi
mkdir -p "$work"
dotnet build src/Keel.Cli -c Release -o "$work/keel" -v q -nologo >/dev/null
keel="$work/keel/keel"
t() { /usr/bin/time -f "%e s wall, %M KB peak" "$@" 2>&1 >/dev/null | tail -1; }
for i in 1 2; do
  echo "pass $i"
  echo "  init (read only):         $(t "$keel" init "$csv" --label delayed --out "$work/keel.yaml" --force)"
  echo "  validate, no label:       $(t "$keel" validate "$csv" --json)"
  echo "  validate --label delayed: $(t "$keel" validate "$csv" --label delayed --json)"
done
"$keel" validate "$csv" --label delayed --json | python3 -c 'import json,sys; d=json.load(sys.stdin); [print("  finding:", f["check"], f["severity"], f.get("row_count"), f["message"][:120]) for f in d.get("findings", d.get("integrity", []))]' || true
