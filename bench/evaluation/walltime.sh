#!/usr/bin/env bash
# Wall and CPU time of `keel run` on credit_data for several Release builds, alternated round-robin, RUNS runs each, fresh store
# per run; prints every run and each build's medians.
# Usage: RUNS=5 bench/evaluation/walltime.sh NAME=PATH/keel.dll NAME=PATH/keel.dll ...
# Build each side first with `dotnet build src/Keel.Cli -c Release` (other commits from `git archive COMMIT | tar -x -C DIR`).
# SPLIT_NAME (optional) is appended inside side NAME's split mapping, e.g. SPLIT_new=', selection: validation'.
# EXTRA (optional) is one more spec line, e.g. EXTRA='evaluation: {bootstrap: 200}'; EXTRA_NAME (optional) replaces it for side NAME,
# so one build can be timed with and without an evaluation spec side by side.
set -euo pipefail
runs=${RUNS:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for side in "$@"; do
  name=${side%%=*}
  extra_var="EXTRA_$name"
  split_var="SPLIT_$name"
  cat > "$work/spec-$name.yaml" <<SPEC
experiment: bench-eval-walltime
data: {path: $root/samples/credit_data.csv, label: Status}
split: {strategy: predefined, predefined: {test_rows: $root/samples/splits/credit_data.test.txt}${!split_var:-}}
register: {enabled: false}
seed: 42
${!extra_var:-${EXTRA:-}}
SPEC
done
declare -A wall cpu
for i in $(seq 1 "$runs"); do
  for side in "$@"; do
    name=${side%%=*}; dll=${side#*=}
    /usr/bin/time -f "%e %U %S" -o "$work/t" dotnet "$dll" run "$work/spec-$name.yaml" --store "$work/store-$name-$i" > "$work/out" 2>&1 \
      || { cat "$work/out"; exit 1; }
    read -r e u s < "$work/t"
    c=$(echo "$u + $s" | bc)
    wall[$name]+="$e "; cpu[$name]+="$c "
    echo "run $i $name: wall $e s, cpu $c s (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
median() { printf '%s\n' $1 | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for side in "$@"; do
  name=${side%%=*}
  echo "median $name: wall $(median "${wall[$name]}") s, cpu $(median "${cpu[$name]}") s"
done
