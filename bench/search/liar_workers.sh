#!/bin/sh
# keel search --workers 4 with and without the constant liar on credit_data (lightgbm, 100 rounds, no pruning, 40 TPE trials,
# trials scored on the validation split), seeds 0-4; prints each search's best validation auc. Which trials run together depends
# on timing, so a rerun differs. Usage: [SEEDS="0 1"] bench/search/liar_workers.sh REL/keel.dll [WORKDIR] (from the repository root).
set -e
dll=${1:?usage: liar_workers.sh REL/keel.dll [WORKDIR]}
work=${2:-$(mktemp -d)}
data=$(pwd)/samples/credit_data.csv
for seed in ${SEEDS:-0 1 2 3 4}; do
  for liar in true false; do
    d=$work/$liar-$seed; rm -rf $d; mkdir -p $d
    printf 'data: {path: %s, label: Status}\nseed: %s\nsplit: {selection: validation}\nmodels:\n  - {type: lightgbm, options: {number_of_iterations: 100, early_stopping_rounds: 0}}\nsearch:\n  study: liar-%s-%s\n  trials: 40\n  families: [lightgbm]\n  pruner: none\n  constant_liar: %s\n' "$data" $seed $liar $seed $liar > $d/keel.yaml
    dotnet "$dll" search $d/keel.yaml --workers 4 --store $d/store > $d/out.txt 2>&1
    best=$(sqlite3 $d/store/keel.db "select max(value) from trials where state='complete'")
    echo "seed $seed liar $liar best $best"
  done
done
