#!/usr/bin/env bash
# Does round 5's flights option set hurt the nine-set table's sets that have categorical columns? 5-fold CV of Keel's
# default lightgbm against the same with the option set, same folds (Keel.Bench lgbcv). Data: bench/tabular8/data
# (Rscript bench/tabular8/export.R). Usage (repository root): bash bench/flights/cv_sets.sh [BENCH] > LOG
set -euo pipefail
cd "$(dirname "$0")/../.."
bench=${1:-bench/out/flights/bench/Keel.Bench}
light="maximum_categorical_split_point_count=64 categorical_smoothing=1 categorical_l2_regularization=1 minimum_example_count_per_group=10"
while read -r name label task; do
  "$bench" lgbcv "bench/tabular8/data/$name.csv" "$label" "$task" 5
  "$bench" lgbcv "bench/tabular8/data/$name.csv" "$label" "$task" 5 $light
done <<'SETS'
mlc_churn churn binary
attrition Attrition binary
stackoverflow Remote binary
scat Species multiclass
hpc_data class multiclass
Sacramento price regression
SETS
