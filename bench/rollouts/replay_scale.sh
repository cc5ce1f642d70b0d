#!/usr/bin/env bash
# How long `keel serve --deployment` takes to start on a running A/B test whose outcomes it must read again from a large
# prediction log (an A/B test's tallies live in memory; a starting server replays the attempt's feedback).
# REQUESTS one-row credit_data requests after the attempt's start, a tenth with /feedback outcomes, half answered by each arm (the arms take turns ten requests at a time).
# Usage: bench/rollouts/replay_scale.sh [KEEL_DLL]   (default: this checkout's Release build)
#        REQUESTS=1000000 WORK=/tmp/keel-replay-scale bench/rollouts/replay_scale.sh
# Needs sqlite3, curl and GNU time. Heavy: run it under flock /tmp/keel-bench.lock.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="${WORK:-/tmp/keel-replay-scale}"
requests="${REQUESTS:-1000000}"
port="${PORT:-8991}"
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: apt-get install -y sqlite3"; exit 2; }
dll="${1:-}"
if [ -z "$dll" ]; then
  dotnet build "$repo/src/Keel.Cli" -c Release -v q >/dev/null
  dll="$repo/src/Keel.Cli/bin/Release/net10.0/keel.dll"
fi
mkdir -p "$work" && cd "$work" && rm -rf .keel
cp "$repo/samples/credit_data.csv" .
printf 'data: {path: credit_data.csv, label: Status}\nmodels: [linear]\nregister: {name: credit, alias: champion}\n' > keel.yaml
printf 'endpoint: credit\nchampion: credit@champion\nchallenger: credit@challenger\nstrategy: {ab: {outcome: correct}}\n' > credit.deploy.yaml
dotnet "$dll" run keel.yaml > /dev/null
dotnet "$dll" models alias credit 1 challenger > /dev/null
dotnet "$dll" deployments create credit.deploy.yaml > /dev/null
# The attempt starts when a server first loads the deployment; the requests are logged after that (from an hour on).
# Its start is also the baseline: an empty log, nothing to read again.
t0=$(date +%s.%N)
dotnet "$dll" serve --deployment credit.deploy.yaml --port "$port" > first.log 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1; do sleep 0.1; done
t1=$(date +%s.%N)
kill "$pid"; wait "$pid" || true
base=$(( ($(date +%s) + 3600) * 1000 ))
sqlite3 .keel/predictions.db > /dev/null <<SQL
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < $requests - 1)
INSERT INTO predictions SELECT printf('r%08d', i), $base + i * 10, 'credit', 1, CASE (i / 10) % 2 WHEN 0 THEN 'champion' ELSE 'challenger' END,
  'invocations', 1.0, 1,
  printf('[{"Seniority":%d,"Home":"rent","Time":36,"Age":%d,"Marital":"married","Records":"no","Job":"fixed","Expenses":50,"Income":%d,"Assets":0,"Debt":0,"Amount":%d,"Price":%d}]',
    i % 30, 20 + i % 50, 80 + i % 200, 200 + (i % 40) * 50, 800 + (i % 60) * 40),
  '[{"label":"good","probabilities":{"good":0.8,"bad":0.2}}]', 'credit'
FROM c;
INSERT INTO feedback (request_id, time_ms, outcome)
  SELECT request_id, time_ms + 1000, CASE WHEN (rowid / 20) % 4 = 0 THEN '"bad"' ELSE '"good"' END FROM predictions WHERE rowid % 10 = 0;
SQL
echo "log: $(sqlite3 .keel/predictions.db 'SELECT count(*) FROM predictions') requests, $(sqlite3 .keel/predictions.db 'SELECT count(*) FROM feedback') with feedback, $(du -h .keel/predictions.db | cut -f1)"
start=$(date +%s.%N)
/usr/bin/time -f "%M KiB peak" -o time.txt dotnet "$dll" serve --deployment credit.deploy.yaml --port "$port" > second.log 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1; do sleep 0.1; done
ready=$(date +%s.%N)
curl -s "http://127.0.0.1:$port/admin/deployments/credit" | python3 -c "import json,sys; ab=json.load(sys.stdin)['report']['ab']; print('outcomes read again: champion', ab['champion']['count'], 'mean', ab['champion']['mean'], '| challenger', ab['challenger']['count'], 'mean', ab['challenger']['mean'])"
pkill -TERM -f "^dotnet .*serve --deployment credit.deploy.yaml --port $port"; wait "$pid" || true
grep -h 'read again' second.log || true
python3 -c "print(f'ready after {$ready - $start:.1f} s (process start to /health answering), ' + open('time.txt').read().strip() + f'; with an empty log {$t1 - $t0:.1f} s')"
