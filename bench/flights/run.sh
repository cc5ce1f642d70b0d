#!/usr/bin/env bash
# The default `keel run` at scale: flights-3m (3M rows), label delayed = delay > 15, `delay` ignored, every default
# candidate. Prints wall time, peak RSS and what the run stored. Usage (repository root): bash bench/flights/run.sh
# Needs ../shared/datasets/flights-3m.parquet (or FLIGHTS_PARQUET=...); skips with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${SHARED:-../shared}
parquet=$(realpath -m "${FLIGHTS_PARQUET:-$shared/datasets/flights-3m.parquet}")
work=${WORK:-bench/out/flights}
if [ ! -f "$parquet" ]; then echo "SKIPPED: $parquet is absent (see ../shared/datasets/README.md)"; exit 0; fi
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
mkdir -p "$work"
csv="$work/flights-3m.csv"
# The peers' converter adds delayed = delay > 15, so Keel and XGBoost/HistGradientBoosting read the same table.
if [ ! -f "$csv" ]; then
  # Converted outside the repository, so the repo's central package versions do not apply to the script.
  tmp=$(mktemp -d); cp "$shared/bench/peers/flights_csv.cs" "$tmp/"
  (cd "$tmp" && dotnet run flights_csv.cs "$parquet" "$(realpath -m "$OLDPWD/$csv")")
  rm -rf "$tmp"
fi
dotnet build src/Keel.Cli -c Release -o "$work/keel" -v q -nologo >/dev/null
rm -rf "$work/store"
"$work/keel/keel" init "$csv" --label delayed --out "$work/flights.yaml" --force --store "$work/store" >/dev/null
sed -i 's/^  # ignore: \[\].*/  ignore: [delay]/' "$work/flights.yaml"
/usr/bin/time -v "$work/keel/keel" run "$work/flights.yaml" --store "$work/store" > "$work/run.log" 2>&1
tr '\r' '\n' < "$work/run.log" | grep -E "rows, task|^│|Selected|Registered|Elapsed|Maximum resident"
echo "store: $(du -sh "$work/store/artifacts" | cut -f1) artifacts, report $(du -h "$work"/store/reports/*.html | cut -f1)"
