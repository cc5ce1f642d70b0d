#!/usr/bin/env bash
# Drift bench: the work of shared/bench/peers/drift.py (January vs each of February-June of flights-3m, five columns,
# every statistic), end to end with reading the CSV, by the SciPy/NumPy peer and by Keel, alternately, in one run that
# holds /tmp/keel-bench.lock throughout (so no other heavy job runs between the two sides).
# Prints each side's wall time and peak RSS (GNU time), the median ratio, and whether every figure agrees (compare.py).
# Then `keel monitor` on flights-3m: month by month against January-February (the walk-through in docs/monitoring.md),
# and one window of all 3M rows, for its peak memory.
# Usage (repository root): bash bench/drift/run.sh [FLIGHTS_CSV] [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${KEEL_BENCH_LOCKED:-}" ]; then exec env KEEL_BENCH_LOCKED=1 flock /tmp/keel-bench.lock bash "$0" "$@"; fi
csv=$(realpath "${1:-/work/data/flights-3m.csv}")
rounds=${2:-3}
peer=${PEER:-../shared/bench/peers/drift.py}
[ -f "$peer" ] || peer=/work/shared/bench/peers/drift.py
out=bench/out/drift; mkdir -p "$out"
if [ ! -f "$csv" ]; then echo "SKIPPED: $csv is absent (make it with shared/bench/peers/flights_csv.cs)"; exit 0; fi
dotnet build bench/drift -c Release -o "$out/bin" -v q -nologo >/dev/null
dotnet build src/Keel.Cli -c Release -o "$out/keel" -v q -nologo >/dev/null
wall() { grep "Elapsed (wall clock)" "$1" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }
rss() { grep "Maximum resident" "$1" | awk '{printf "%.0f", $NF/1024}'; }
ratios=()
for r in $(seq 1 "$rounds"); do
  /usr/bin/time -v /usr/bin/python3 "$peer" "$csv" "$out/peer.json" > "$out/peer.out" 2> "$out/peer.time"
  /usr/bin/time -v "$out/bin/Keel.Bench.Drift" "$csv" "$out/keel.json" > "$out/keel.out" 2> "$out/keel.time"
  p=$(wall "$out/peer.time"); k=$(wall "$out/keel.time")
  ratio=$(python3 -c "print(f'{$k/$p:.2f}')")
  ratios+=("$ratio")
  echo "round $r: peer ${p} s ($(rss "$out/peer.time") MiB, compute $(python3 -c "import json;print(json.load(open('$out/peer.json'))['compute_s'])") s)," \
       "keel ${k} s ($(rss "$out/keel.time") MiB, $(cat "$out/keel.out")), keel/peer ${ratio}, load $(cut -d' ' -f1 /proc/loadavg)"
done
echo "median keel/peer wall time: $(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")x over $rounds rounds"
python3 bench/drift/compare.py "$out/peer.json" "$out/keel.json" || true
keel="$out/keel/keel"
/usr/bin/time -v "$keel" monitor --reference "$csv" --reference-period 2001-01-01..2001-02-28 --time-column date --data "$csv" \
  --window 1mo --json > "$out/monthly.json" 2> "$out/monthly.time"
echo "keel monitor by month against January-February: $(wall "$out/monthly.time") s, peak $(rss "$out/monthly.time") MiB"
python3 - "$out/monthly.json" <<'PY'
import json, sys
for w in json.load(open(sys.argv[1]))["windows"]:
    f = w["figures"]
    print(f'  {w["window"]} {w["rows"]:>7} rows  drifted: {", ".join(c["column"] for c in w["columns"] if c["drifted"]) or "none":40}'
          + "  ".join(f'psi({c}) {f.get(f"psi({c})", float("nan")):.3f}' for c in ["delay", "distance", "origin", "destination"]))
PY
/usr/bin/time -v "$keel" monitor --reference "$csv" --reference-period 2001-01-01..2001-01-31 --time-column date --data "$csv" \
  --json > "$out/window.json" 2> "$out/window.time"
echo "keel monitor, one window of $(python3 -c "import json;print(json.load(open('$out/window.json'))['windows'][0]['rows'])") rows: $(wall "$out/window.time") s, peak $(rss "$out/window.time") MiB"
