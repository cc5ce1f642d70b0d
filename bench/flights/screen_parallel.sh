#!/usr/bin/env bash
# Quality screen with several Keel.Bench flights runs at once (for a many-core machine): one run per line of CONFIGS
# ("-" is the bench defaults, else space-separated opt=val), JOBS at a time, each with number_of_threads=THREADS
# (default 2, so the trees match the 2-core runs: LightGBM's histogram sums depend on the thread count).
# Usage (repository root): BENCH=path/to/Keel.Bench bash bench/flights/screen_parallel.sh CSV CONFIGS LOG [JOBS]
# Appends "options<TAB>auc<TAB>json" lines to LOG (AUC only is comparable: the runs share the machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
csv=$1; configs=$2; log=$3; jobs=${4:-8}
export BENCH=${BENCH:-bench/out/flights/bench/Keel.Bench} CSV=$csv LOG=$log THREADS=${THREADS:-2}
one() {
  local set=$1 opts=()
  [ "$set" != "-" ] && read -ra opts <<< "$set"
  local json; json=$("$BENCH" flights "$CSV" number_of_threads="$THREADS" "${opts[@]}" 2>&1 | tail -1)
  local auc; auc=$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["auc"])' 2>/dev/null || echo error)
  printf '%s\t%s\t%s\n' "$set" "$auc" "$json" >> "$LOG"
  echo "$set -> $auc"
}
export -f one
grep -v '^\s*$' "$configs" | tr '\n' '\0' | xargs -0 -P "$jobs" -I{} bash -c 'one "$@"' _ {}
