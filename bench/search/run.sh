#!/bin/sh
# TPE beside Optuna 3.1 on the same objectives and budget over 5 seeds; run from the repository root.
# Needs Debian's python3-optuna (apt-get install -y python3-optuna). Heavy jobs take the shared lock.
set -e
out=bench/search/last-run.jsonl
dotnet build -c Release bench/search/TpeBench -o /tmp/keel-tpebench >/dev/null
: > "$out"
for budget in 50 100; do
  flock /tmp/keel-bench.lock dotnet /tmp/keel-tpebench/TpeBench.dll "$budget" 0,1,2,3,4 >> "$out"
  flock /tmp/keel-bench.lock /usr/bin/python3 bench/search/optuna_bench.py "$budget" 0,1,2,3,4 >> "$out"
done
/usr/bin/python3 bench/search/summarize.py "$out"
