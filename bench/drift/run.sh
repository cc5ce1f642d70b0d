#!/usr/bin/env bash
# Drift bench: the work of shared/bench/peers/drift.py (January vs each of February-June of flights-3m, five columns,
# every statistic), end to end with reading the CSV, by the SciPy/NumPy peer and by Keel, alternately in one run.
# Prints each side's wall time and peak RSS (GNU time), the median ratio, and whether every figure agrees (compare.py).
# Then `keel monitor` on one 3M-row window (the whole file against its January), for its peak memory.
# Usage (repository root): bash bench/drift/run.sh [FLIGHTS_CSV] [ROUNDS=3]; heavy jobs share /tmp/keel-bench.lock.
set -euo pipefail
cd "$(dirname "$0")/../.."
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
run() { flock /tmp/keel-bench.lock /usr/bin/time -v "$@"; }
ratios=()
for r in $(seq 1 "$rounds"); do
  run /usr/bin/python3 "$peer" "$csv" "$out/peer.json" > "$out/peer.out" 2> "$out/peer.time"
  run "$out/bin/Keel.Bench.Drift" "$csv" "$out/keel.json" > "$out/keel.out" 2> "$out/keel.time"
  p=$(wall "$out/peer.time"); k=$(wall "$out/keel.time")
  ratio=$(python3 -c "print(f'{$k/$p:.2f}')")
  ratios+=("$ratio")
  echo "round $r: peer ${p} s ($(rss "$out/peer.time") MiB, compute $(python3 -c "import json;print(json.load(open('$out/peer.json'))['compute_s'])") s)," \
       "keel ${k} s ($(rss "$out/keel.time") MiB, $(cat "$out/keel.out")), keel/peer ${ratio}"
done
echo "median keel/peer wall time: $(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")x over $rounds rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/drift/compare.py "$out/peer.json" "$out/keel.json"
# One 3M-row window: keel monitor, whole file against its January (a reference file, profiled whole).
run "$out/keel/keel" monitor --reference "$csv" --reference-period 2001-01-01..2001-01-31 --time-column date --data "$csv" --json > "$out/monitor.json" 2> "$out/monitor.time"
echo "keel monitor, one window of $(python3 -c "import json;print(json.load(open('$out/monitor.json'))['windows'][0]['rows'])") rows: $(wall "$out/monitor.time") s, peak $(rss "$out/monitor.time") MiB"
