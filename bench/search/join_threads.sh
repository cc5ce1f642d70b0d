#!/bin/sh
# Several processes on one machine: `keel search` plus `keel search --join` on credit_data (8 lightgbm trials, no pruning,
# 5-fold cv, seed 1), lightgbm with every core in each process and then with `number_of_threads: 1`, beside one process with
# --workers 2 (lightgbm with every core, then with one thread) for comparison. Prints each case's wall time and its trials' lines.
# Usage: bench/search/join_threads.sh REL/keel.dll [WORKDIR] (from the repository root).
set -e
dll=${1:?usage: join_threads.sh REL/keel.dll [WORKDIR]}
work=${2:-$(mktemp -d)}
data=$(pwd)/samples/credit_data.csv
spec() { # study, lightgbm options
  printf "experiment: join\ndata: {path: %s, label: Status, positive_class: good}\nmodels:\n  - type: zero_rule\n  - {type: lightgbm, options: {%s}}\nmetric: auc\nsearch: {trials: 8, pruner: none, study: %s}\nregister: {enabled: false}\nseed: 1\n" "$data" "$2" "$1"
}
now() { date +%s.%N; }
for case in workers2 workers2-one-thread join-all-cores join-one-thread; do
  d=$work/$case; rm -rf $d; mkdir -p $d
  threads=""; case $case in *one-thread) threads="number_of_threads: 1";; esac
  spec $case "$threads" > $d/keel.yaml
  start=$(now)
  if [ ${case%%-*} = workers2 ]; then
    dotnet "$dll" search $d/keel.yaml --workers 2 --store $d/store > $d/out.txt 2>&1
  else
    dotnet "$dll" search $d/keel.yaml --store $d/store > $d/out.txt 2>&1 &
    first=$!
    sleep 4 # the first process creates the study
    dotnet "$dll" search --join $case --store $d/store > $d/join.txt 2>&1
    wait $first
  fi
  end=$(now)
  echo "== $case: wall $(echo "$end - $start" | bc) s"
  grep -h '^  trial' $d/out.txt $d/join.txt 2>/dev/null || true
done
