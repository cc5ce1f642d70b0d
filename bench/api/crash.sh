#!/usr/bin/env bash
# kill -9 of clients mid-batch and of the tracking server under load. A `keel server` over a SQLite store takes metric
# batches from 4 client processes (bench/api/client_load.cs: Keel.Client, batches of 1,000 points with idempotency keys).
# Two clients are killed with SIGKILL mid-run; then the server is killed with SIGKILL under the load of the other two,
# and started again on the same store while they retry. Afterwards:
#   - the store passes SQLite's integrity_check;
#   - every run holds whole batches only (a multiple of 1,000 points) with no step stored twice;
#   - the surviving clients' runs hold every point exactly once (0..N-1), across the server kill.
# Exit 1 on any failure. Run from the repository root: bench/api/crash.sh  (KEEL_DIR=folder of a published keel.dll skips the publish)
set -eu
work=$(mktemp -d); server=""; clients=()
cleanup() { rc=$?; set +e; [ -n "$server" ] && kill -9 "$server" 2>/dev/null; for c in "${clients[@]}"; do kill -9 -- "-$c" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; exit $rc; }
trap cleanup EXIT
dir=${KEEL_DIR:-}
if [ -z "$dir" ]; then dotnet publish src/Keel.Cli -c Release -o "$work/keel" >/dev/null; dir="$work/keel"; fi
keel() { dotnet "$dir/keel.dll" --store "$work/store" "$@"; }
port=5109; url="http://127.0.0.1:$port/"
points=${POINTS:-200000}   # per run: enough that no client finishes before it is killed
token=$(keel tokens create loader --role write | tail -1)
[ -n "$token" ] || { echo "could not create a token" >&2; exit 1; }
dotnet build -c Release bench/api/client_load.cs >/dev/null
start_server() {
  dotnet "$dir/keel.dll" --store "$work/store" server --port $port >> "$work/server.log" 2>&1 & server=$!   # not through keel(): $! must be the server itself
  for _ in $(seq 1 120); do curl -s -o /dev/null "$url"api/v1/experiments && return 0; sleep 0.25; done
  echo "keel server did not start:" >&2; tail -20 "$work/server.log" >&2; exit 1
}
start_server
for i in 1 2 3 4; do
  # setsid: each client is its own process group, so SIGKILL reaches the app that `dotnet run` starts, not only dotnet run
  setsid dotnet run -c Release --no-build bench/api/client_load.cs "$url" "$token" 3 "$points" 1000 > "$work/client$i.out" 2>&1 & clients+=($!)
done
sleep 4
for c in "${clients[0]}" "${clients[1]}"; do kill -0 "$c" 2>/dev/null || { echo "a client ended before it could be killed:" >&2; cat "$work"/client*.out >&2; tail -5 "$work/server.log" >&2; exit 1; }; done
kill -9 -- "-${clients[0]}" "-${clients[1]}"; echo "killed clients 1 and 2 (SIGKILL) mid-run" >&2
sleep 2
kill -9 "$server"; wait "$server" 2>/dev/null || true; echo "killed the server (SIGKILL) under load" >&2
sleep 1
start_server; echo "server started again" >&2
for c in "${clients[2]}" "${clients[3]}"; do wait "$c" || { echo "a surviving client failed:" >&2; cat "$work"/client*.out >&2; exit 1; }; done
kill -0 "$server" 2>/dev/null || { echo "the restarted server is gone; its log:" >&2; tail -40 "$work/server.log" >&2; exit 1; }
kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=""
python3 - "$work" "$points" <<'PY'
import sqlite3, sys, glob, json
work, points = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(f"file:{work}/store/keel.db?mode=ro", uri=True)
ok = db.execute("PRAGMA integrity_check").fetchone()[0]
assert ok == "ok", f"integrity_check says {ok}"
runs = dict(db.execute("SELECT r.id, count(m.step) FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.key = 'loss' GROUP BY r.id"))
dupes = db.execute("SELECT count(*) FROM (SELECT run_id, step FROM metrics WHERE key = 'loss' GROUP BY run_id, step HAVING count(*) > 1)").fetchone()[0]
assert dupes == 0, f"{dupes} steps stored twice"
partial = {r: n for r, n in runs.items() if n % 1000}
assert not partial, f"runs holding part of a batch: {partial}"
survivors = []
for f in sorted(glob.glob(f"{work}/client*.out"))[2:]:
    lines = open(f).read().split()
    assert lines[-1] == "done", f"{f}: {lines[-3:]}"
    survivors += lines[:-1]
for r in survivors:
    n, lo, hi = db.execute("SELECT count(*), min(step), max(step) FROM metrics WHERE run_id = ? AND key = 'loss'", (r,)).fetchone()
    assert (n, lo, hi) == (points, 0, points - 1), f"surviving run {r}: {n} points, steps {lo}..{hi}"
killed = [r for f in sorted(glob.glob(f"{work}/client*.out"))[:2] for r in open(f).read().split() if r != "done"]
print(json.dumps({"integrity": ok, "runs": len(runs), "surviving_runs_complete": len(survivors),
                  "killed_client_runs": {r: runs.get(r, 0) for r in killed}, "steps_stored_twice": dupes}))
PY
echo "crash test passed" >&2
