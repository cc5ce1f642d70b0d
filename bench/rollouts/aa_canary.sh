#!/usr/bin/env bash
# Do the latency guards roll back a canary whose challenger is no slower? For each build named, on a fresh server each time:
# a 10% canary (steps 10, 50, 100; default guards) of credit_data's linear model against itself (an A/A test: any rollback is a
# false alarm) and against the LightGBM model it might be replaced by, then REQUESTS one-row requests from one client; prints the
# phase each attempt ended in and the reason of every rollback. Builds are interleaved so they see the same machine.
#
# Usage, from the repository root:
#   bench/rollouts/aa_canary.sh [--reps N] [--requests N] [--guards '{min_p99_gap_ms: 0}'] NAME=PATH/keel.dll [NAME=PATH/keel.dll ...]
# (--guards: the deployment file's guards, default none: each build's defaults)
# e.g. bench/rollouts/aa_canary.sh before=/tmp/old/keel.dll after=src/Keel.Cli/bin/Release/net10.0/keel.dll
set -euo pipefail
reps=5 requests=3000 guards="" builds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --guards) guards=$2; shift 2 ;;
    *=*) builds+=("$1"); shift ;;
    *) echo "aa_canary.sh: expected NAME=PATH/keel.dll, --reps N or --requests N, got '$1'" >&2; exit 2 ;;
  esac
done
[ ${#builds[@]} -gt 0 ] || { echo "aa_canary.sh: name at least one build, NAME=PATH/keel.dll" >&2; exit 2; }
root=$(pwd)
work=$(mktemp -d /tmp/keel-aa.XXXXXX)
trap 'pkill -f "keel.dll serve --deployment $work" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
first=${builds[0]#*=}
first=$(cd "$root" && realpath "$first")
port=$(( 20000 + RANDOM % 20000 ))

# Two registered versions of credit_data: 1 linear, 2 LightGBM (the first build trains both).
dotnet "$first" init "$root/samples/credit_data.csv" --label Status > /dev/null
for m in linear lightgbm; do
  sed -e "/- type: \(linear\|lightgbm\|fasttree\|random_forest\)/d" -e "s/^models:.*/&\n  - type: $m/" keel.yaml > $m.yaml
  dotnet "$first" run $m.yaml > /dev/null
done

cat > send.py <<'EOF'
import csv, json, random, sys, urllib.request
port, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = list(csv.DictReader(open(sys.argv[4])))
numeric = {'Seniority', 'Time', 'Age', 'Expenses', 'Income', 'Assets', 'Debt', 'Amount', 'Price'}
random.seed(seed)
for _ in range(n):
    r = random.choice(rows)
    rec = {k: (None if v in ('', 'NA') else float(v) if k in numeric else v) for k, v in r.items() if k != 'Status'}
    req = urllib.request.Request(f'http://127.0.0.1:{port}/invocations', json.dumps({'dataframe_records': [rec]}).encode(), {'Content-Type': 'application/json'})
    urllib.request.urlopen(req).read()
EOF

printf '%-10s %-16s %4s  %-12s %s\n' build challenger rep phase "rollback reason"
declare -A rolled
for rep in $(seq 1 "$reps"); do
  for version in 1 2; do
    for b in "${builds[@]}"; do
      name=${b%%=*}
      dll=$(cd "$root" && realpath "${b#*=}")
      endpoint="aa-$name-$version-$rep"
      printf 'endpoint: %s\nchampion: credit_data:1\nchallenger: credit_data:%s\nstrategy: {canary: {steps: [10, 50, 100]}}\n' "$endpoint" "$version" > "$work/$endpoint.yaml"
      [ -z "$guards" ] || printf 'guards: %s\n' "$guards" >> "$work/$endpoint.yaml"
      dotnet "$dll" serve --deployment "$work/$endpoint.yaml" --port $port > "$endpoint.log" 2>&1 &
      pid=$!
      for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null && break; sleep 0.2; done
      curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null || { echo "aa_canary.sh: the server for $endpoint did not start:" >&2; cat "$endpoint.log" >&2; exit 1; }
      /usr/bin/python3 send.py $port "$requests" "$rep" "$root/samples/credit_data.csv"
      kill $pid; wait $pid 2>/dev/null || true
      challenger=$([ $version = 1 ] && echo "linear (itself)" || echo "lightgbm")
      dotnet "$dll" deployments show "$endpoint" --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
reasons = [e.get('reason') or '' for e in d['history'] if e['kind'] == 'rollback']
print(f\"{'$name':<10} {'$challenger':<16} {$rep:>4}  {d['deployment']['state']['phase']:<12} {'; '.join(reasons)}\")"
    done
  done
done
