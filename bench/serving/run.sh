#!/usr/bin/env bash
# Every serving ratio the serving issue asks for, in one run, on the credit_data LightGBM model:
#   pass 1  ../shared/bench/peers/serving/measure.sh with KEEL_URL (no-op Kestrel endpoint, gunicorn + Flask + scikit-learn, Keel
#           with its prediction log on, as served by default): single-row rps vs no-op and vs Flask, p99 vs no-op, 100-row rows/s vs Flask;
#   pass 2  paired runs, alternated REPEAT times, single row, 16 connections: Keel log on, Keel log off (--no-prediction-log),
#           a shadow deployment (log on) and the same deployment without a challenger (log on): the cost of logging, and the
#           champion's p99 with a shadow challenger against the plain server and against the deployment path alone.
# Run from the repository root, under the bench lock: flock /tmp/keel-bench.lock bench/serving/run.sh
# Needs wrk, gunicorn and python3 with flask and scikit-learn. Env: DUR (seconds per wrk run, default 10), CONNS (16), WARM (15),
# REPEAT (pass-2 rounds, default 3), SERVE_LOG (server output, default /tmp/keel-bench-serve.log), MODE (default all; MODE=shadow runs
# only the shadow deployment and the same deployment without a challenger, pass 2 only, and prints the shadow ratio: a short check).
# Prints measure.sh's JSON lines and each paired run, then a summary table of the ratios (copy it into results.md).
set -eu
root=$(pwd)
. "$root/bench/serving/peers.sh"
DUR=${DUR:-10}; CONNS=${CONNS:-16}; REPEAT=${REPEAT:-3}; log=${SERVE_LOG:-/tmp/keel-bench-serve.log}; MODE=${MODE:-all}
case "$MODE" in all) ports="5103 5104 5105 5106" ;; shadow) ports="5105 5106" ;; *) echo "MODE must be all or shadow" >&2; exit 1 ;; esac
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
: > "$log"
dotnet publish src/Keel.Cli -c Release -o "$work/keel" >/dev/null
keel() { dotnet "$work/keel/keel.dll" --store "$work/store" "$@"; }
cp samples/credit_data.csv "$work/"
# One gradient-boosted candidate, as the Flask peer serves HistGradientBoosting; a second version (another seed) is the challenger.
for reg in "champion 42" "challenger 7"; do
  set -- $reg
  cat > "$work/keel-$1.yaml" <<SPEC
data: {path: credit_data.csv, label: Status, positive_class: good}
models: [zero_rule, lightgbm]
register: {name: credit-risk, alias: $1}
seed: $2
SPEC
  keel run "$work/keel-$1.yaml" >/dev/null
done
cat > "$work/shadow.deploy.yaml" <<'YAML'
endpoint: credit
champion: credit-risk@champion
challenger: credit-risk@challenger
strategy: shadow
YAML
# The same deployment path without a challenger: the baseline that isolates what shadowing itself costs the champion.
cat > "$work/plain.deploy.yaml" <<'YAML'
endpoint: credit-plain
champion: credit-risk@champion
YAML
serve() { # PORT ARGS...: start a server, wait until ready
  local port=$1; shift
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is taken (an earlier run's server?)" >&2; return 1; fi
  (cd "$work" && exec dotnet "$work/keel/keel.dll" --store "$work/store" serve --port "$port" "$@") >>"$log" 2>&1 & pids+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  cat "$log" >&2; return 1
}
declare -A pid_of
start() { serve "$@"; pid_of[$1]=${pids[-1]}; }
if [ "$MODE" = all ]; then
  start 5103 --model credit-risk@champion
  start 5104 --model credit-risk@champion --no-prediction-log
fi
start 5105 --deployment shadow.deploy.yaml
start 5106 --deployment plain.deploy.yaml
out="$work/lines.jsonl"

# Warm every Keel server as a server in production is warm: .NET compiles hot methods again after a few seconds of load
# (tiered compilation), so a server measured straight after start measures the compiler too. WARM seconds each (default 15).
echo "# warm-up: ${WARM:-15} s of single-row load on each Keel server"
for p in $ports; do
  BODY="$peers/row1.json" wrk -t2 -c"$CONNS" -d"${WARM:-15}s" -s "$peers/post.lua" "http://127.0.0.1:$p/invocations" >/dev/null 2>&1
done

if [ "$MODE" = all ]; then
  echo "# pass 1: peers and Keel (prediction log on)"
  KEEL_URL=http://127.0.0.1:5103 DUR=$DUR CONNS=$CONNS "$peers/measure.sh" | tee -a "$out"
fi

echo "# pass 2: paired single-row runs, $REPEAT rounds: Keel log on (5103), log off (5104), shadow deployment with log on (5105)"
cpu() { # URL: the server's process CPU seconds so far
  curl -s "$1/metrics" | awk '$1 == "process_cpu_seconds_total" { print $2 }'; }
requests() { # URL: prediction requests answered so far (every arm, shadow copies excluded)
  curl -s "$1/metrics" | awk 'index($0, "keel_requests_total{") == 1 && index($0, "arm=\"shadow\"") == 0 { s += $NF } END { printf "%d", s }'; }
wrk_run() { # NAME URL: one warmed wrk run, one JSON line; cpu_us_per_request is the server's CPU time per answered request,
  # a figure that other load on the machine disturbs far less than rps and p99 (it includes the shadow copies' work)
  BODY="$peers/row1.json" wrk -t2 -c"$CONNS" -d2s -s "$peers/post.lua" "$2/invocations" >/dev/null 2>&1
  local line c0 r0
  c0=$(cpu "$2"); r0=$(requests "$2")
  line=$(BODY="$peers/row1.json" wrk -t2 -c"$CONNS" -d"${DUR}s" -s "$peers/post.lua" "$2/invocations" 2>&1 | grep '^JSON' | cut -c6-)
  local per=$(python3 -c "print(round(1e6 * ($(cpu "$2") - $c0) / max(1, $(requests "$2") - $r0), 1))")
  echo "{\"pass\": 2, \"target\": \"$1\", \"body\": \"row1.json\", \"cpu_us_per_request\": $per, ${line#\{}" | tee -a "$out"
}
for _ in $(seq 1 "$REPEAT"); do
  if [ "$MODE" = all ]; then
    wrk_run keel_log_on http://127.0.0.1:5103
    wrk_run keel_log_off http://127.0.0.1:5104
  fi
  wrk_run keel_shadow http://127.0.0.1:5105
  wrk_run keel_deploy_plain http://127.0.0.1:5106
done
for p in $ports; do kill -0 "${pid_of[$p]}" 2>/dev/null || { echo "keel serve on $p died; see $log" >&2; exit 1; }; done
metric() { # PORT NAME [LABEL]: the sum of a metric's lines (with that label)
  curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" -v l="${3:-}" 'index($0, m) == 1 && index($0, l) > 0 { s += $NF } END { printf "%d", s }'; }
if [ "$MODE" = shadow ]; then
  echo "{\"shadow_answered\": $(metric 5105 keel_predicted_rows_total 'arm="shadow"'), \"shadow_dropped\": $(metric 5105 keel_shadow_dropped_total)}" | tee -a "$out"
  python3 - "$out" "$(uptime)" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
p2 = [l for l in lines if l.get("pass") == 2]
counts = next(l for l in lines if "shadow_answered" in l)
def mean(target, key): return statistics.mean(l[key] for l in p2 if l["target"] == target)
s99, b99 = mean("keel_shadow", "p99_ms"), mean("keel_deploy_plain", "p99_ms")
print(f"\n| shadow: champion p99 / same deployment without challenger p99 (<= 1.2x) | {s99 / b99:.2f}x | {s99:.2f} / {b99:.2f} ms; rps {mean('keel_shadow', 'rps'):,.0f} / {mean('keel_deploy_plain', 'rps'):,.0f} |")
print(f"| shadow: server CPU per answered request / same without challenger | {mean('keel_shadow', 'cpu_us_per_request') / mean('keel_deploy_plain', 'cpu_us_per_request'):.2f}x | {mean('keel_shadow', 'cpu_us_per_request'):.1f} / {mean('keel_deploy_plain', 'cpu_us_per_request'):.1f} us |")
print(f"| shadow copies answered / dropped | {counts['shadow_answered']:,} / {counts['shadow_dropped']:,} | |")
print(f"\nmachine: {sys.argv[2].strip()}")
PY
  exit 0
fi
echo "{\"log_written\": $(metric 5103 keel_prediction_log_written_total), \"log_dropped\": $(metric 5103 keel_prediction_log_dropped_total), \"shadow_answered\": $(metric 5105 keel_predicted_rows_total 'arm="shadow"'), \"shadow_dropped\": $(metric 5105 keel_shadow_dropped_total), \"shadow_log_dropped\": $(metric 5105 keel_prediction_log_dropped_total)}" | tee -a "$out"

python3 - "$out" "$(uptime)" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
p1 = {(l["target"], l["body"]): l for l in lines if "pass" not in l and "target" in l}
p2 = [l for l in lines if l.get("pass") == 2]
counts = next(l for l in lines if "log_written" in l)
def mean(target, key): return statistics.mean(l[key] for l in p2 if l["target"] == target)
noop, flask, keel = (p1[(t, "row1.json")] for t in ("noop", "flask", "keel"))
flask100, keel100 = p1[("flask", "rows100.json")], p1[("keel", "rows100.json")]
on, off, shadow = (mean(t, "rps") for t in ("keel_log_on", "keel_log_off", "keel_shadow"))
on99, shadow99 = mean("keel_log_on", "p99_ms"), mean("keel_shadow", "p99_ms")
rows = [
    ("single row: Keel rps / no-op rps (>= 50 %)", f"{keel['rps'] / noop['rps']:.0%}", f"{keel['rps']:,.0f} / {noop['rps']:,.0f}"),
    ("single row: Keel rps / Flask rps (>= 10x)", f"{keel['rps'] / flask['rps']:.1f}x", f"{keel['rps']:,.0f} / {flask['rps']:,.0f}"),
    ("single row: Keel p99 / no-op p99 (<= 3x)", f"{keel['p99_ms'] / noop['p99_ms']:.1f}x", f"{keel['p99_ms']:.2f} / {noop['p99_ms']:.2f} ms"),
    ("100 rows: Keel rows/s / Flask rows/s (>= 5x)", f"{keel100['rps'] / flask100['rps']:.1f}x", f"{keel100['rps'] * 100:,.0f} / {flask100['rps'] * 100:,.0f} rows/s"),
    ("logging cost: 1 - log on / log off rps (<= 20 %)", f"{1 - on / off:.0%}", f"{on:,.0f} / {off:,.0f} rps (mean of pass 2)"),
    ("logging cost in server CPU per request: log on / log off", f"{mean('keel_log_on', 'cpu_us_per_request') / mean('keel_log_off', 'cpu_us_per_request'):.2f}x",
     f"{mean('keel_log_on', 'cpu_us_per_request'):.1f} / {mean('keel_log_off', 'cpu_us_per_request'):.1f} us"),
    ("shadow: server CPU per answered request / same deployment without challenger", f"{mean('keel_shadow', 'cpu_us_per_request') / mean('keel_deploy_plain', 'cpu_us_per_request'):.2f}x",
     f"{mean('keel_shadow', 'cpu_us_per_request'):.1f} / {mean('keel_deploy_plain', 'cpu_us_per_request'):.1f} us"),
    ("log on vs off p99", f"{on99 / mean('keel_log_off', 'p99_ms'):.2f}x", f"{on99:.2f} / {mean('keel_log_off', 'p99_ms'):.2f} ms"),
    ("shadow: champion p99 / plain p99 (<= 1.2x)", f"{shadow99 / on99:.2f}x", f"{shadow99:.2f} / {on99:.2f} ms; rps {shadow:,.0f} / {on:,.0f}"),
    ("shadow: champion p99 / same deployment without challenger p99 (<= 1.2x)", f"{shadow99 / mean('keel_deploy_plain', 'p99_ms'):.2f}x",
     f"{shadow99:.2f} / {mean('keel_deploy_plain', 'p99_ms'):.2f} ms; rps {shadow:,.0f} / {mean('keel_deploy_plain', 'rps'):,.0f}"),
    ("shadow copies answered / dropped", f"{counts['shadow_answered']:,} / {counts['shadow_dropped']:,}", ""),
    ("prediction log written / dropped (5103)", f"{counts['log_written']:,} / {counts['log_dropped']:,}", ""),
]
print("\n| measure | ratio | figures |\n|---|---|---|")
for r in rows: print("| " + " | ".join(r) + " |")
print(f"\nmachine: {sys.argv[2].strip()}")
PY
