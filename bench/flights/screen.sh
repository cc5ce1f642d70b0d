#!/usr/bin/env bash
# Quality screen of LightGBM options on flights (test AUC only; no lock: AUC does not depend on the load).
# Usage (repository root): bash bench/flights/screen.sh CSV LOG "opt=val opt=val" ["opt=val" ...]
# Each quoted argument is one Keel.Bench flights run with those options over the bench defaults (200 trees, depth 8,
# 255 leaves, learning rate 0.1, 256 bins); "-" is the defaults. Appends "options<TAB>json" lines to LOG.
# A 1M-row sample: awk 'NR==1 || NR%3==2' flights-3m.csv > flights-1m.csv. XGBoost on the same CSV:
#   MODELS=xgboost /usr/bin/python3 ../shared/bench/peers/flights.py CSV
set -euo pipefail
cd "$(dirname "$0")/../.."
csv=$1; log=$2; shift 2
bench=${BENCH:-bench/out/flights/bench/Keel.Bench}
for set in "$@"; do
  opts=(); [ "$set" != "-" ] && read -ra opts <<< "$set"
  json=$("$bench" flights "$csv" "${opts[@]}" | tail -1)
  auc=$(printf '%s' "$json" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["auc"])')
  printf '%s\t%s\t%s\n' "$set" "$auc" "$json" >> "$log"
  echo "$set -> $auc"
done
