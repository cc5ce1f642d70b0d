#!/usr/bin/env bash
# Load-independent cost of shadowing to the champion: several servers, each a deployment of the credit_data LightGBM champion,
# driven in turn with single-row wrk load at CONNS connections (saturated, as run.sh's shadow pass); per answered request each
# reports the server's CPU time (/proc/PID/stat), bytes allocated, gen 0/1/2 collections and GC pause time (GC.GetTotalPauseDuration,
# read through allochook/). GC pauses stop the answers too, so pause time per request is the part of the champion's tail that other
# load on the machine does not move much; p99 is printed as well but only compares on a quiet machine.
# Usage, from the repository root: bash bench/serving/shadowcost.sh [VARIANT...]
#   VARIANT is NAME=KEEL_DIR:DEPLOY[:ENV=VALUE], DEPLOY plain (no challenger) or shadow; KEEL_DIR a published keel
#   (`dotnet publish src/Keel.Cli -c Release -o DIR`), "." for this tree (published once). Default: plain and shadow of this tree.
# Env: DUR (seconds per measured run, 8), CONNS (16), WARM (10), ROUNDS (2), STORE_CACHE (a folder to keep the trained store in and
# reuse; give each store schema its own), PORT (first port, 5121).
set -eu
root=$(pwd)
. "$root/bench/serving/peers.sh"
DUR=${DUR:-8}; CONNS=${CONNS:-16}; ROUNDS=${ROUNDS:-2}
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
variants=("$@"); [ ${#variants[@]} -gt 0 ] || variants=("plain=.:plain" "shadow=.:shadow")
needs_tree=0; for v in "${variants[@]}"; do [[ "$v" == *=.:* ]] && needs_tree=1; done
[ $needs_tree = 1 ] && dotnet publish src/Keel.Cli -c Release -o "$work/keel" >/dev/null
dotnet build "$root/bench/serving/allochook" -c Release -o "$work/hook" >/dev/null
first_dir=$(v=${variants[0]#*=}; d=${v%%:*}; [ "$d" = . ] && echo "$work/keel" || echo "$d")
keel() { dotnet "$first_dir/keel.dll" --store "$work/store" "$@"; }
cp samples/credit_data.csv "$work/"
if [ -n "${STORE_CACHE:-}" ] && [ -d "$STORE_CACHE/store" ]; then cp -r "$STORE_CACHE/store" "$work/store"
else
  for reg in "champion 42" "challenger 7"; do
    set -- $reg
    printf 'data: {path: credit_data.csv, label: Status, positive_class: good}\nmodels: [zero_rule, lightgbm]\nregister: {name: credit-risk, alias: %s}\nseed: %s\n' "$1" "$2" > "$work/keel-$1.yaml"
    (cd "$work" && keel run "keel-$1.yaml" >/dev/null)
  done
  if [ -n "${STORE_CACHE:-}" ]; then mkdir -p "$STORE_CACHE"; cp -r "$work/store" "$STORE_CACHE/store"; fi
fi
printf 'endpoint: credit\nchampion: credit-risk@champion\nchallenger: credit-risk@challenger\nstrategy: shadow\n' > "$work/shadow.deploy.yaml"
printf 'endpoint: credit-plain\nchampion: credit-risk@champion\n' > "$work/plain.deploy.yaml"
declare -A pid_of url_of
port=${PORT:-5121}
for v in "${variants[@]}"; do
  name=${v%%=*}; rest=${v#*=}; dir=${rest%%:*}; rest=${rest#*:}; deploy=${rest%%:*}; envset=""; [[ "$rest" == *:* ]] && envset=${rest#*:}
  [ "$dir" = . ] && dir="$work/keel"
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is taken" >&2; exit 1; fi
  (cd "$work" && exec env ${envset:+"$envset"} KEEL_ALLOC_FILE="$work/alloc.$name" DOTNET_STARTUP_HOOKS="$work/hook/allochook.dll" \
    dotnet "$dir/keel.dll" --store "$work/store" serve --port "$port" --deployment "$deploy.deploy.yaml") >>"$work/serve.log" 2>&1 & pids+=($!)
  pid_of[$name]=$!; url_of[$name]="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  port=$((port + 1))
done
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
requests() { curl -s "$1/metrics" | awk 'index($0, "keel_requests_total{") == 1 && index($0, "arm=\"shadow\"") == 0 { s += $NF } END { printf "%d", s }'; }
metric() { curl -s "$1/metrics" | awk -v m="$2" -v l="${3:-}" 'index($0, m) == 1 && index($0, l) > 0 { s += $NF } END { printf "%d", s }'; }
load() { BODY="$peers/row1.json" wrk -t2 -c"$CONNS" -d"$2s" -s "$peers/post.lua" "$1/invocations" 2>&1 | grep '^JSON' | cut -c6-; }
for v in "${variants[@]}"; do load "${url_of[${v%%=*}]}" "${WARM:-10}" >/dev/null; done
hz=$(getconf CLK_TCK)
out="$work/lines.jsonl"
for _ in $(seq 1 "$ROUNDS"); do
  for v in "${variants[@]}"; do
    name=${v%%=*}; url=${url_of[$name]}; pid=${pid_of[$name]}
    sleep 1
    c0=$(cpu_ticks "$pid"); r0=$(requests "$url"); s0=$(metric "$url" keel_predicted_rows_total 'arm="shadow"'); read -r a0 g00 g10 g20 p0 l10 l20 l40 < "$work/alloc.$name"
    line=$(load "$url" "$DUR")
    sleep 1
    c1=$(cpu_ticks "$pid"); r1=$(requests "$url"); s1=$(metric "$url" keel_predicted_rows_total 'arm="shadow"'); sleep 0.2; read -r a1 g01 g11 g21 p1 l11 l21 l41 < "$work/alloc.$name"
    n=$((r1 - r0)); [ $n -gt 0 ] || n=1
    echo "{\"variant\": \"$name\", \"requests\": $n, \"shadow_answered\": $((s1 - s0)), \"cpu_us_per_request\": $(python3 -c "print(round(1e6 * ($c1 - $c0) / $hz / $n, 2))"), \"alloc_bytes_per_request\": $(( (a1 - a0) / n )), \"gc_per_100k\": [$(python3 -c "print(', '.join(str(round(1e5 * d / $n, 1)) for d in ($((g01 - g00)), $((g11 - g10)), $((g21 - g20)))))")], \"gc_pause_us_per_request\": $(python3 -c "print(round(($p1 - $p0) / $n, 3))"), \"pauses_over_1_2_4_ms_per_100k\": [$(python3 -c "print(', '.join(str(round(1e5 * d / $n, 1)) for d in ($((l11 - l10)), $((l21 - l20)), $((l41 - l40)))))")], ${line#\{}" | tee -a "$out"
  done
done
python3 - "$out" "$(uptime)" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
names = list(dict.fromkeys(l["variant"] for l in lines))
print("\n| variant | CPU µs/request | alloc B/request | gen0/gen1/gen2 per 100k | GC pause µs/request | ms per pause | pauses ≥1/2/4 ms per 100k | p99 ms | rps | shadow rows answered |\n|---|---|---|---|---|---|---|---|---|---|")
for n in names:
    ls = [l for l in lines if l["variant"] == n]
    m = lambda k: statistics.mean(l[k] for l in ls)
    gc = "/".join(f"{statistics.mean(l['gc_per_100k'][g] for l in ls):.1f}" for g in range(3))
    gcs = statistics.mean(l['gc_per_100k'][0] for l in ls)  # a gen-1 or gen-2 collection counts in gen 0's count too
    slow = "/".join(f"{statistics.mean(l['pauses_over_1_2_4_ms_per_100k'][g] for l in ls):.1f}" for g in range(3))
    print(f"| {n} | {m('cpu_us_per_request'):.1f} | {m('alloc_bytes_per_request'):,.0f} | {gc} | {m('gc_pause_us_per_request'):.2f} | {100 * m('gc_pause_us_per_request') / max(gcs, 1e-9):.2f} | {slow} | {m('p99_ms'):.2f} | {m('rps'):,.0f} | {sum(l['shadow_answered'] for l in ls):,} |")
print(f"\nmachine: {sys.argv[2].strip()}")
PY
