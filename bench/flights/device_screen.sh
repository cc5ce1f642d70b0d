#!/usr/bin/env bash
# screen_parallel.sh on a many-core machine without .NET (how round 5 ran its 3M screens on a lent 16-core machine).
# Pack here first (repository root):
#   dotnet publish bench/Keel.Bench -c Release -r linux-x64 --self-contained -p:InvariantGlobalization=true -o $PACK/publish
#   cp /lib/x86_64-linux-gnu/libgomp.so.1 $PACK/publish/; tar -C $PACK -czf $PACK/publish.tar.gz publish
#   flights-3m.csv as $PACK/flights-3m.npz (int minutes since 2001-01-01, delay, distance, airport codes, delayed,
#   names): the CSV is rewritten below byte for byte (md5 f53c0f38eb27a94581523b859ad7c828 for flights-3m.csv).
# Usage: PACK=bench/out/flights bash bench/flights/device_screen.sh CONFIGS [JOBS]   (writes $OUT/screen.log)
set -euo pipefail
cd "$(dirname "$0")/../.."
configs=$1; jobs=${2:-8}; pack=${PACK:-bench/out/flights}
w=/tmp/keelflights; mkdir -p $w
[ -x $w/publish/Keel.Bench ] || tar -xzf "$pack/publish.tar.gz" -C $w
[ -f $w/flights-3m.csv ] || python3 bench/flights/npz_csv.py "$pack/flights-3m.npz" $w/flights-3m.csv
md5sum $w/flights-3m.csv
export LD_LIBRARY_PATH=$w/publish
BENCH=$w/publish/Keel.Bench bash bench/flights/screen_parallel.sh $w/flights-3m.csv "$configs" "${OUT:-.}/screen.log" "$jobs"
