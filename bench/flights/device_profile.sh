#!/usr/bin/env bash
# Where Keel.Bench flights' "train" seconds go, on a quiet many-core machine without .NET, pinned to 2 cores (taskset -c 0,1,
# as the 2-core box side_by_side.sh runs on) and on all cores; round 7 ran it on a lent 16-core machine (bench/results.md).
# Each run prints the phases of bench/flights/profile_phases.patch (a throwaway timer, not in Keel): Keel's cursor over the
# rows, ML.NET's "Loading data for LightGBM" (labels, bin sample, every row pushed into LightGBM's Dataset), "Training with
# LightGBM" (booster, rounds, model conversion) and the staged loss curve; CPU seconds beside wall seconds.
# Pack here first (repository root), into a folder that travels to the machine ($PACK):
#   git apply bench/flights/profile_phases.patch   (revert after the publish)
#   dotnet publish bench/Keel.Bench -c Release -r linux-x64 --self-contained -p:InvariantGlobalization=true -o /tmp/pub/publish
#   cp /lib/x86_64-linux-gnu/libgomp.so.1 /tmp/pub/publish/; tar -C /tmp/pub -cJf $PACK/publish.tar.xz publish
#   the same patch over the commit to compare, `dotnet build bench/Keel.Bench -c Release`, its Keel.Training.dll as $PACK/before/
#   /usr/bin/python3 bench/flights/pack_npz.py /work/data/flights-3m.csv $PACK/flights-3m.npz
# Usage (on the machine): PACK=... OUT=... bash bench/flights/device_profile.sh   (writes $OUT/log.txt)
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "${PACK:?}"
w=/tmp/k; mkdir -p $w
tar -xJf publish.tar.xz -C $w
cp -r $w/publish $w/before; cp before/Keel.Training.dll $w/before/
python3 "$repo/bench/flights/npz_csv.py" flights-3m.npz $w/flights-3m.csv
md5sum $w/flights-3m.csv | tee $OUT/log.txt
nproc >> $OUT/log.txt; lscpu | grep "Model name" >> $OUT/log.txt
one() { # name build cpus env... -- args
  local name=$1 build=$2 cpus=$3; shift 3
  echo "== $name ($build, cpus $cpus) $* load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/log.txt
  LD_LIBRARY_PATH=$w/$build taskset -c $cpus env KEEL_PROF=1 "$@" /usr/bin/time -f "wall %e user %U sys %S peak %M KB" $w/$build/Keel.Bench flights $w/flights-3m.csv ${ARGS:-} > $w/$name.json 2> $w/$name.err
  grep -E "^PROF (view|estim|staged)|Loading data.*finished|Training with.*finished|wall" $w/$name.err | cut -c1-170 >> $OUT/log.txt
  python3 -c "import json,sys; d=json.loads(open('$w/$name.json').read().strip().splitlines()[-1]); print({k: d[k] for k in ['read_s','featurize_s','train_s','predict_s','auc','peak_rss_mb','threads']})" >> $OUT/log.txt 2>&1
}
one before before 0,1
one after publish 0,1
one after_colwise publish 0,1 KEEL_COLWISE=1
ARGS=number_of_iterations=1 one after_1round publish 0,1
one after_16 publish 0-15
one before_again before 0,1
one after_again publish 0,1
cat $OUT/log.txt
