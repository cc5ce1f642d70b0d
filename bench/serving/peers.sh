# Sourced by the serving benches: sets peers to shared/bench/peers/serving beside or above the repository (run from its root).
peers=""
for d in "$(pwd)/../shared" "$(pwd)/../../shared" /work/shared; do
  [ -x "$d/bench/peers/serving/measure.sh" ] && { peers="$d/bench/peers/serving"; break; }
done
[ -n "$peers" ] || { echo "measure.sh not found beside or above the repository (shared/bench/peers/serving)" >&2; exit 1; }
