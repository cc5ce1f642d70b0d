#!/usr/bin/env bash
# Reliability: COUNT (default 10,000) malformed requests against keel serve (credit_data model, prediction log on), after a warm-up
# of COUNT/10; every answer must be a 4xx with a JSON error naming the problem, no 5xx, and the server must still answer a valid
# request; RSS is sampled after the warm-up and at the end (bench/serving/malformed.py prints the summary; exit 1 on any failure).
# Run from the repository root: bench/serving/malformed.sh [COUNT]   (KEEL_DIR=folder of a published keel.dll skips the publish)
set -eu
count=${1:-10000}
work=$(mktemp -d); pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
dir=${KEEL_DIR:-}
if [ -z "$dir" ]; then dotnet publish src/Keel.Cli -c Release -o "$work/keel" >/dev/null; dir="$work/keel"; fi
cp samples/credit_data.csv "$work/"
printf 'data: {path: credit_data.csv, label: Status, positive_class: good}\nmodels: [zero_rule, lightgbm]\nregister: {name: credit-risk, alias: champion}\nseed: 42\n' > "$work/keel.yaml"
(cd "$work" && dotnet "$dir/keel.dll" --store "$work/store" run keel.yaml >/dev/null)
dotnet "$dir/keel.dll" --store "$work/store" serve --port 5106 --model credit-risk@champion > "$work/serve.log" 2>&1 & pid=$!
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:5106/v2/health/ready >/dev/null 2>&1 && break; sleep 0.5; done
rc=0
python3 "$(dirname "$0")/malformed.py" http://127.0.0.1:5106 "$pid" "$count" || rc=$?
echo "server 5xx in /metrics: $(curl -s http://127.0.0.1:5106/metrics | grep -E '^keel_request(s|_errors)_total' | grep -c 'code="5' || true) series"
grep -E "fail|Unexpected|Exception" "$work/serve.log" | head -5 || true
exit $rc
