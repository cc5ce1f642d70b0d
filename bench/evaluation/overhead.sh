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
"$root/bench/evaluation/walltime.sh" old="$work/old/keel.dll" default="$work/new/keel.dll" full="$work/new/keel.dll"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
