#!/bin/sh
# TPE beside Optuna 3.1 on the same objectives and budget over 5 seeds; run from the repository root.
# Needs Debian's python3-optuna (apt-get install -y python3-optuna). Quality figures only: no lock needed.
# SEEDS=0,...,19 bench/search/run.sh for more seeds; each seed runs 100 trials once and reports the best after 50 and 100.
# Round 5 (bench/search/round5-rule.md, bench/search/round5.py) added the held-out objectives and Keel's candidate R
# (TpeSamplerOptions.Watanabe2023). Round 6: Keel's tpe proposes Optuna's TPESampler(seed) trials; the traces of both are compared
# trial by trial (bench/search/compare_trace.py), with numpy's AVX-512 exp/log loops off (bit for bit) and on (numpy's default here).
set -e
seeds=${SEEDS:-0,1,2,3,4}
objectives=mixed,branin,hartmann6,rosen4log,catheavy,styblinski5,gbmlike,levy6,sixhump,svmlike
out=bench/search/last-run.jsonl
trace=bench/search/last-trace.jsonl
noavx512="AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"
dotnet build -c Release bench/search/TpeBench -o /tmp/keel-tpebench >/dev/null
: > "$out"
dotnet /tmp/keel-tpebench/TpeBench.dll 50,100 "$seeds" "$objectives" tpe,tpe-mv,R,random >> "$out"
/usr/bin/python3 bench/search/optuna_bench.py 50,100 "$seeds" "$objectives" tpe,tpe-mv,random >> "$out"
/usr/bin/python3 bench/search/summarize.py "$out"
/usr/bin/python3 bench/search/round5.py seeds04 "$out"
dotnet /tmp/keel-tpebench/TpeBench.dll 100 "$seeds" "$objectives" tpe trace > "$trace"
cp "$trace" "$trace.avx512"
NPY_DISABLE_CPU_FEATURES="$noavx512" /usr/bin/python3 bench/search/optuna_bench.py 100 "$seeds" "$objectives" tpe trace >> "$trace"
/usr/bin/python3 bench/search/optuna_bench.py 100 "$seeds" "$objectives" tpe trace >> "$trace.avx512"
echo "Keel's tpe against Optuna's TPESampler(seed), numpy's AVX-512 loops off:"
/usr/bin/python3 bench/search/compare_trace.py "$trace"
echo "... and on:"
/usr/bin/python3 bench/search/compare_trace.py "$trace.avx512"
# Keel's nsga2 against Optuna's NSGAIISampler(seed, population_size=10), single objective, trial by trial.
nsga=bench/search/last-trace-nsga2.jsonl
dotnet /tmp/keel-tpebench/TpeBench.dll 100 "$seeds" "$objectives" nsga2 trace > "$nsga"
NPY_DISABLE_CPU_FEATURES="$noavx512" /usr/bin/python3 bench/search/optuna_bench.py 100 "$seeds" "$objectives" nsga2 trace >> "$nsga"
echo "Keel's nsga2 against Optuna's NSGAIISampler(seed, population_size=10):"
/usr/bin/python3 bench/search/compare_trace.py "$nsga" 50,100 nsga2
# The constant liar (search.constant_liar): Keel's tpe-liar against Optuna's TPESampler(seed, constant_liar=True) with 4 simulated
# workers, trial by trial; then what the liar buys with 4 and 8 workers over 20 seeds (bench/search/liar.py).
liar=bench/search/last-trace-liar.jsonl
dotnet /tmp/keel-tpebench/TpeBench.dll 100 "$seeds" "$objectives" tpe-liar trace window=4 > "$liar"
NPY_DISABLE_CPU_FEATURES="$noavx512" /usr/bin/python3 bench/search/optuna_bench.py 100 "$seeds" "$objectives" tpe-liar trace window=4 >> "$liar"
echo "Keel's tpe-liar against Optuna's TPESampler(seed, constant_liar=True), 4 workers:"
/usr/bin/python3 bench/search/compare_trace.py "$liar" 50,100 tpe-liar
/usr/bin/python3 bench/search/liar.py
