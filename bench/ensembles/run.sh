#!/bin/sh
# Ensembles (voting, stacking, bagging) against their members on credit_data: test AUC of every candidate and its train time,
# from one `keel run`. Run from the repository root; timings are indicative (shared machine), AUCs are exact for the seed.
set -e
out=/tmp/keel-ensembles-run.json
dotnet build -c Release src/Keel.Cli -o /tmp/keel-ensembles-cli >/dev/null
store=$(mktemp -d)
flock /tmp/keel-bench.lock dotnet /tmp/keel-ensembles-cli/keel.dll run bench/ensembles/credit.yaml --json --store "$store" > "$out"
rm -rf "$store"
/usr/bin/python3 - "$out" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
print("| candidate | test AUC | validation AUC | train s |")
print("|---|---|---|---|")
for c in o["candidates"]:
    print(f"| {c['name']} | {c['test_metrics'].get('auc', float('nan')):.4f} | {c['validation_metrics'].get('auc', float('nan')):.4f} | {c['train_seconds']:.2f} |")
print("selected:", o["selected"])
PY
