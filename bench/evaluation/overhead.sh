#!/usr/bin/env bash
# Issue 7's budget: the evaluation step adds at most 50 % to the wall time of `keel run` on credit_data.
# Builds (Release) main before the evaluation step existed (commit 6421b87) and this working tree, then runs walltime.sh with
# three sides alternated: old (no evaluation step), default (evaluation defaults: 1000 resamples, importance 5 repeats,
# bias/variance and quadrants) and full (every part on: slices, fairness, isotonic calibration, cost threshold, tags,
# directional and invariance tests).
# Usage (repository root, on a quiet machine): RUNS=5 flock /tmp/keel-bench.lock bench/evaluation/overhead.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/old-src"
git -C "$root" archive 6421b87 | tar -x -C "$work/old-src"
dotnet build "$work/old-src/src/Keel.Cli" -c Release -o "$work/old" -v q -nologo > /dev/null
dotnet build "$root/src/Keel.Cli" -c Release -o "$work/new" -v q -nologo > /dev/null
export EXTRA_full="evaluation: {slices: [Home, Marital], sensitive: [Marital], calibrate: isotonic, threshold: {costs: {fp: 1, fn: 5}}, tags: [{slice: Home}, {rule: \"Income < 100 and Home == 'rent' -> low_income_renter\", reference: 0.15}], tests: [{directional: Income, factor: 1.1, expect: not_increase, class: bad}, {invariance: Age, noise: 1, tolerance: 0.05}]}"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# Selection by validation on the new sides, as the old build selects: cross-validated selection (the default on small data
# since issue 9) costs its own folds, which are not evaluation; side cv shows the default run with it.
# The data checks added since (issue 8: integrity with out-of-fold label-noise suspects, leakage) are not evaluation either:
# the new sides switch them off (integrity: off, leakage: off). Side bare also turns the evaluation's switchable parts off
# (bootstrap 0, importance 0), so bare against old is what the new build costs besides the evaluation.
export SPLIT_default=", selection: validation" SPLIT_full=", selection: validation" SPLIT_bare=", selection: validation"
checks=$'\nintegrity: off\nleakage: off'
export EXTRA_default="evaluation: {}$checks" EXTRA_full="$EXTRA_full$checks" EXTRA_bare="evaluation: {bootstrap: 0, importance_repeats: 0}$checks"
"$root/bench/evaluation/walltime.sh" old="$work/old/keel.dll" bare="$work/new/keel.dll" default="$work/new/keel.dll" full="$work/new/keel.dll" cv="$work/new/keel.dll"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
