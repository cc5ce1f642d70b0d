#!/usr/bin/env bash
# kill -9 under load, then restart: ROUNDS (default 3) times, keel serve (credit_data model, prediction log on) is driven by wrk
# (single rows, 16 connections) and killed with SIGKILL mid-load; after each kill the prediction log and the store must pass
# SQLite's integrity_check, every logged record must hold whole JSON inputs and outputs, request ids must be unique, the log may
# only grow, and the server must start again on the same files and answer. A last round stops it with SIGTERM and checks that
# nothing answered was lost (logged rows = answered requests). Exit 1 on any failure.
# Run from the repository root: bench/serving/crash.sh   (KEEL_DIR=folder of a published keel.dll skips the publish)
set -eu
rounds=${ROUNDS:-3}
peers=""
for d in "$(pwd)/../shared" "$(pwd)/../../shared" /work/shared; do
  [ -f "$d/bench/peers/serving/post.lua" ] && { peers="$d/bench/peers/serving"; break; }
done
[ -n "$peers" ] || { echo "post.lua not found (shared/bench/peers/serving)" >&2; exit 1; }
work=$(mktemp -d); pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
dir=${KEEL_DIR:-}
if [ -z "$dir" ]; then dotnet publish src/Keel.Cli -c Release -o "$work/keel" >/dev/null; dir="$work/keel"; fi
cp samples/credit_data.csv "$work/"
printf 'data: {path: credit_data.csv, label: Status, positive_class: good}\nmodels: [zero_rule, lightgbm]\nregister: {name: credit-risk, alias: champion}\nseed: 42\n' > "$work/keel.yaml"
(cd "$work" && dotnet "$dir/keel.dll" --store "$work/store" run keel.yaml >/dev/null)
serve() {
  dotnet "$dir/keel.dll" --store "$work/store" serve --port 5107 --model credit-risk@champion >> "$work/serve.log" 2>&1 & pid=$!
  for _ in $(seq 1 120); do curl -sf http://127.0.0.1:5107/v2/health/ready >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "keel serve did not start again:" >&2; tail -20 "$work/serve.log" >&2; exit 1
}
check() { # ROUND PREVIOUS_COUNT: integrity, whole records, unique ids, never fewer than before; prints the count
  python3 - "$work/store" "$1" "$2" <<'PY'
import json, sqlite3, sys
store, label, before = sys.argv[1], sys.argv[2], int(sys.argv[3])
for name in ("keel.db", "predictions.db"):
    db = sqlite3.connect(f"file:{store}/{name}?mode=ro", uri=True)
    ok = db.execute("PRAGMA integrity_check").fetchone()[0]
    assert ok == "ok", f"{name}: integrity_check says {ok}"
db = sqlite3.connect(f"file:{store}/predictions.db?mode=ro", uri=True)
n, ids = db.execute("SELECT count(*), count(DISTINCT request_id) FROM predictions").fetchone()
assert n == ids, f"{n} records but {ids} request ids"
for inputs, outputs, rows in db.execute("SELECT inputs, outputs, rows FROM predictions"):
    assert len(json.loads(inputs)) == rows and len(json.loads(outputs)) == rows, "a record whose JSON does not hold its rows"
models = sqlite3.connect(f"file:{store}/keel.db?mode=ro", uri=True).execute("SELECT count(*) FROM model_versions").fetchone()[0]
assert n >= before, f"the log shrank from {before} to {n}"
print(json.dumps({"round": label, "integrity": "ok", "logged": n, "model_versions": models}), file=sys.stderr)
print(n)
PY
}
count=0
for r in $(seq 1 "$rounds"); do
  serve
  BODY="$peers/row1.json" timeout 30 wrk -t2 -c16 -d20s -s "$peers/post.lua" http://127.0.0.1:5107/invocations >/dev/null 2>&1 &
  load=$!
  sleep $((3 + r))
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  kill "$load" 2>/dev/null; wait "$load" 2>/dev/null || true
  count=$(check "kill-$r" "$count")
done
# A graceful stop loses nothing: every request answered in this round is logged.
serve
before=$count
answered=0
for _ in $(seq 1 200); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data @"$peers/row1.json" http://127.0.0.1:5107/invocations)
  [ "$code" = 200 ] && answered=$((answered + 1))
done
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""
count=$(check "sigterm" "$count")
[ $((count - before)) -eq "$answered" ] || { echo "graceful stop: $answered answered but $((count - before)) logged" >&2; exit 1; }
echo "ok: $rounds kill -9 rounds under load and a graceful stop; $count predictions logged, both databases pass integrity_check"
