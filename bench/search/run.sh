#!/bin/sh
# TPE beside Optuna 3.1 on the same objectives and budget over 5 seeds; run from the repository root.
# Needs Debian's python3-optuna (apt-get install -y python3-optuna). Heavy jobs take the shared lock.
# SEEDS=0,...,19 bench/search/run.sh for more seeds (the quality figures need no lock; the ms/trial column does).
set -e
seeds=${SEEDS:-0,1,2,3,4}
out=bench/search/last-run.jsonl
dotnet build -c Release bench/search/TpeBench -o /tmp/keel-tpebench >/dev/null
: > "$out"
for budget in 50 100; do
  flock /tmp/keel-bench.lock dotnet /tmp/keel-tpebench/TpeBench.dll "$budget" "$seeds" mixed,branin,hartmann6 tpe,tpe-mv,random >> "$out"
  flock /tmp/keel-bench.lock /usr/bin/python3 bench/search/optuna_bench.py "$budget" "$seeds" mixed,branin,hartmann6 tpe,tpe-mv,random >> "$out"
done
/usr/bin/python3 bench/search/summarize.py "$out"
