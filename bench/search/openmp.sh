#!/bin/sh
# keel search on credit_data with two builds side by side, to time LightGBM trials: one worker with 6 lightgbm trials (TPE,
# median pruner, 5-fold cv, seed 1), then two workers with 8 trials over linear, lightgbm and fasttree. Prints each trial's
# line (its seconds) and each search's wall time; the trials' values must match between the builds (the same models).
# Usage: bench/search/openmp.sh BEFORE/keel.dll AFTER/keel.dll [WORKDIR] (from the repository root).
set -e
before=${1:?usage: openmp.sh BEFORE/keel.dll AFTER/keel.dll [WORKDIR]}
after=${2:?usage: openmp.sh BEFORE/keel.dll AFTER/keel.dll [WORKDIR]}
work=${3:-$(mktemp -d)}
data=$(pwd)/samples/credit_data.csv
for case in one two; do
  for side in before after; do
    eval dll=\$$side
    d=$work/$case-$side; rm -rf $d; mkdir -p $d
    if [ $case = one ]; then
      models='  - type: zero_rule\n  - type: lightgbm\n'; trials=6; workers=1
    else
      models='  - type: zero_rule\n  - type: linear\n  - type: lightgbm\n  - type: fasttree\n'; trials=8; workers=2
    fi
    printf "experiment: openmp-$case\ndata: {path: %s, label: Status, positive_class: good}\nmodels:\n$models\nmetric: auc\nsearch: {trials: $trials, pruner: median}\nregister: {enabled: false}\nseed: 1\n" "$data" > $d/keel.yaml
    start=$(date +%s.%N)
    dotnet "$dll" search $d/keel.yaml --workers $workers --store $d/store > $d/out.txt 2>&1
    end=$(date +%s.%N)
    echo "== $case worker(s) [$workers], $side: wall $(echo "$end - $start" | bc) s"
    grep '^  trial' $d/out.txt
  done
done
