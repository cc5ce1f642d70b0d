#!/usr/bin/env bash
# Load-independent cost of a single-row request, prediction log on vs off: server CPU time (utime + stime from /proc/PID/stat)
# and bytes allocated (GC.GetTotalAllocatedBytes, through the startup hook in allochook/) per request answered, and gen 0/1/2
# collections, on the credit_data LightGBM model as run.sh serves it. Other jobs on the machine change the request rate, not
# much the CPU or the bytes one request costs, so this needs no bench lock; it is the figure to iterate on.
# Usage, from the repository root: bash bench/serving/cpucost.sh [KEEL_DIR]   (KEEL_DIR: a published keel, e.g. another commit's
# `dotnet publish src/Keel.Cli -c Release -o DIR`; default: publish this tree). Env: DUR (seconds per measured wrk run, 8),
# CONNS (8), WARM (10), ROUNDS (2), LABEL (a name for the JSON lines), STORE_CACHE (below), PORT (log on; log off is PORT+1; 5113). One JSON line per server and round, then the means.
set -eu
root=$(pwd)
. "$root/bench/serving/peers.sh"
DUR=${DUR:-8}; CONNS=${CONNS:-8}; ROUNDS=${ROUNDS:-2}; LABEL=${LABEL:-keel}
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
keeldir=${1:-}
if [ -z "$keeldir" ]; then keeldir="$work/keel"; dotnet publish src/Keel.Cli -c Release -o "$keeldir" >/dev/null; fi
dotnet build "$root/bench/serving/allochook" -c Release -o "$work/hook" >/dev/null
keel() { dotnet "$keeldir/keel.dll" --store "$work/store" "$@"; }
cp samples/credit_data.csv "$work/"
cat > "$work/keel.yaml" <<SPEC
data: {path: credit_data.csv, label: Status, positive_class: good}
models: [zero_rule, lightgbm]
register: {name: credit-risk, alias: champion}
seed: 42
SPEC
# STORE_CACHE: a folder to keep the trained store in and reuse on the next run (training takes minutes on a busy machine); a
# build reads only stores of its own schema, so give each build its own folder.
if [ -n "${STORE_CACHE:-}" ] && [ -d "$STORE_CACHE/store" ]; then cp -r "$STORE_CACHE/store" "$work/store"
else
  (cd "$work" && keel run keel.yaml >/dev/null)
  if [ -n "${STORE_CACHE:-}" ]; then mkdir -p "$STORE_CACHE"; cp -r "$work/store" "$STORE_CACHE/store"; fi
fi
declare -A pid_of
serve() { # PORT ARGS...
  local port=$1; shift
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is taken" >&2; return 1; fi
  (cd "$work" && KEEL_ALLOC_FILE="$work/alloc.$port" DOTNET_STARTUP_HOOKS="$work/hook/allochook.dll" \
    exec dotnet "$keeldir/keel.dll" --store "$work/store" serve --port "$port" "$@") >>"$work/serve.log" 2>&1 & pids+=($!)
  pid_of[$port]=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  cat "$work/serve.log" >&2; return 1
}
on=${PORT:-5113}; off=$((on + 1))
serve "$on" --model credit-risk@champion
serve "$off" --model credit-risk@champion --no-prediction-log
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
requests() { curl -s "$1/metrics" | awk 'index($0, "keel_requests_total{") == 1 { s += $NF } END { printf "%d", s }'; }
metric() { curl -s "$1/metrics" | awk -v m="$2" 'index($0, m) == 1 { s += $NF } END { printf "%d", s }'; }
load() { BODY="$peers/row1.json" wrk -t2 -c"$CONNS" -d"$2s" -s "$peers/post.lua" "$1/invocations" 2>&1 | grep '^JSON' | cut -c6-; }
for p in $on $off; do load "http://127.0.0.1:$p" "${WARM:-10}" >/dev/null; done
hz=$(getconf CLK_TCK)
out="$work/lines.jsonl"
for _ in $(seq 1 "$ROUNDS"); do
  for p in $on $off; do
    url="http://127.0.0.1:$p"; pid=${pid_of[$p]}
    # The log writer's backlog from the previous run is written first, so it is charged to the run that made it.
    sleep 1
    c0=$(cpu_ticks "$pid"); r0=$(requests "$url"); read -r a0 g00 g10 g20 _ < "$work/alloc.$p"
    line=$(load "$url" "$DUR")
    sleep 1   # let the writer finish this run's records (flush interval 200 ms)
    c1=$(cpu_ticks "$pid"); r1=$(requests "$url"); sleep 0.2; read -r a1 g01 g11 g21 _ < "$work/alloc.$p"
    n=$((r1 - r0))
    name=$([ "$p" = "$on" ] && echo log_on || echo log_off)
    echo "{\"label\": \"$LABEL\", \"server\": \"$name\", \"requests\": $n, \"cpu_us_per_request\": $(python3 -c "print(round(1e6 * ($c1 - $c0) / $hz / max(1, $n), 1))"), \"alloc_bytes_per_request\": $(( (a1 - a0) / (n > 0 ? n : 1) )), \"gc\": [$((g01 - g00)), $((g11 - g10)), $((g21 - g20))], \"log_dropped\": $(metric "$url" keel_prediction_log_dropped_total), ${line#\{}" | tee -a "$out"
  done
done
python3 - "$out" "$(uptime)" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
def mean(s, k): return statistics.mean(l[k] for l in lines if l["server"] == s)
on, off = mean("log_on", "cpu_us_per_request"), mean("log_off", "cpu_us_per_request")
print(json.dumps({"label": lines[0]["label"], "cpu_us_on": round(on, 1), "cpu_us_off": round(off, 1), "cpu_on_over_off": round(on / off, 3),
                  "alloc_on": round(mean("log_on", "alloc_bytes_per_request")), "alloc_off": round(mean("log_off", "alloc_bytes_per_request")),
                  "rps_on": round(mean("log_on", "rps")), "rps_off": round(mean("log_off", "rps")), "machine": sys.argv[2].strip()}))
PY
