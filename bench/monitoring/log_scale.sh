#!/usr/bin/env bash
# `keel monitor --deployment` over a large prediction log: REQUESTS one-row requests for credit_data's model, spread over
# two days (about 500,000 a day by default), a tenth of them with /feedback outcomes, monitored by day. Wall time and peak
# memory of each build named, side by side on the same log; the figures of every build are compared (they must be equal).
# Usage: bench/monitoring/log_scale.sh [KEEL_DLL ...]   (default: this checkout's Release build)
#        REQUESTS=1000000 WORK=/tmp/keel-log-scale bench/monitoring/log_scale.sh /old/keel.dll /new/keel.dll
# Needs sqlite3 (to write the log quickly) and GNU time. Heavy: run it under flock /tmp/keel-bench.lock.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="${WORK:-/tmp/keel-log-scale}"
requests="${REQUESTS:-1000000}"
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: apt-get install -y sqlite3"; exit 2; }
builds=("$@")
if [ ${#builds[@]} -eq 0 ]; then
  dotnet build "$repo/src/Keel.Cli" -c Release -v q >/dev/null
  builds=("$repo/src/Keel.Cli/bin/Release/net10.0/keel.dll")
fi
mkdir -p "$work" && cd "$work" && rm -rf .keel
cp "$repo/samples/credit_data.csv" .
printf 'data: {path: credit_data.csv, label: Status}\nmodels: [linear]\nregister: {name: credit, alias: champion}\n' > keel.yaml
printf 'endpoint: credit\nchampion: credit@champion\n' > credit.deploy.yaml
dotnet "${builds[0]}" run keel.yaml > /dev/null
dotnet "${builds[0]}" deployments create credit.deploy.yaml > /dev/null
# The log as `keel serve` writes it (tables of src/Keel.Tracking/PredictionLog/SqlitePredictionLogStore.cs), credit_data's
# columns with values cycling through plausible ranges, every 172 ms from 2026-11-18.
sqlite3 .keel/predictions.db > /dev/null <<SQL
PRAGMA journal_mode=WAL;
CREATE TABLE predictions (request_id TEXT PRIMARY KEY, time_ms INTEGER NOT NULL, model TEXT NOT NULL, version INTEGER NOT NULL,
  arm TEXT NOT NULL, endpoint TEXT NOT NULL, latency_ms REAL NOT NULL, rows INTEGER NOT NULL, inputs TEXT NOT NULL, outputs TEXT NOT NULL,
  deployment TEXT);
CREATE INDEX predictions_model_time ON predictions (model, time_ms);
CREATE INDEX predictions_deployment_time ON predictions (deployment, time_ms);
CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, time_ms INTEGER NOT NULL, outcome TEXT NOT NULL);
CREATE INDEX feedback_request ON feedback (request_id);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < $requests - 1)
INSERT INTO predictions SELECT printf('r%08d', i), 1795000000000 + i * 172, 'credit', 1, 'champion', 'invocations', 1.0 + (i % 50) / 10.0, 1,
  printf('[{"Seniority":%d,"Home":"%s","Time":%d,"Age":%d,"Marital":"married","Records":"no","Job":"fixed","Expenses":%d,"Income":%d,"Assets":%d,"Debt":0,"Amount":%d,"Price":%d}]',
    i % 30, CASE i % 3 WHEN 0 THEN 'rent' WHEN 1 THEN 'owner' ELSE 'parents' END, 12 * (1 + i % 5), 20 + i % 50, 35 + i % 60, 80 + i % 200,
    (i % 7) * 1000, 200 + (i % 40) * 50, 800 + (i % 60) * 40),
  printf('[{"label":"good","probabilities":{"good":%f,"bad":%f}}]', 0.5 + (i % 50) / 100.0, 0.5 - (i % 50) / 100.0), 'credit'
FROM c;
INSERT INTO feedback (request_id, time_ms, outcome)
  SELECT request_id, time_ms + 1000, CASE WHEN (rowid * 7919) % 4 = 0 THEN '"bad"' ELSE '"good"' END FROM predictions WHERE rowid % 10 = 0;
SQL
echo "log: $requests requests, $(sqlite3 .keel/predictions.db 'SELECT count(*) FROM feedback') with feedback, $(du -h .keel/predictions.db | cut -f1)"
n=0
for dll in "${builds[@]}"; do
  n=$((n + 1))
  /usr/bin/time -f "build $n ($dll): %e s wall, %M KiB peak" dotnet "$dll" monitor --deployment credit --window 1d --json --no-store > "monitor-$n.json"
done
python3 - "$n" <<'PY'
import json, sys
runs = [json.load(open(f"monitor-{i}.json")) for i in range(1, int(sys.argv[1]) + 1)]
first = [w["figures"] for w in runs[0]["windows"]]
print(runs[0]["current"], "|", ", ".join(f'{w["window"]}: {w["figures"].get("requests", 0):,.0f} requests, auc {w["figures"].get("auc", float("nan")):.4f}' for w in runs[0]["windows"]))
for i, r in enumerate(runs[1:], 2):
    same = [w["figures"] for w in r["windows"]] == first
    print(f"build {i}: figures {'identical to' if same else 'DIFFER from'} build 1")
PY
