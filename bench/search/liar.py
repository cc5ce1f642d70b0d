"""What the constant liar buys when several workers sample at once (TpeBench's simulated workers, `window=K`): per objective, Keel's
tpe and tpe-multivariate with and without the lie, and one worker's tpe for reference, over the seeds; best value after 50 and
100 trials (lower is better), and on how many seeds the liar's best is lower than the plain sampler's with the same workers.

    dotnet build -c Release bench/search/TpeBench -o /tmp/keel-tpebench
    /usr/bin/python3 bench/search/liar.py [SEEDS=0,...,19] [WINDOWS=4,8]
"""
import json
import statistics
import subprocess
import sys

seeds = sys.argv[1] if len(sys.argv) > 1 else ",".join(str(s) for s in range(20))
windows = [int(w) for w in (sys.argv[2] if len(sys.argv) > 2 else "4,8").split(",")]
objectives = "mixed,branin,hartmann6,rosen4log,catheavy,styblinski5,gbmlike,levy6,sixhump,svmlike"
rows = []
for window, samplers in [(1, "tpe,tpe-mv,random")] + [(w, "tpe,tpe-liar,tpe-mv,tpe-mv-liar") for w in windows]:
    out = subprocess.run(["dotnet", "/tmp/keel-tpebench/TpeBench.dll", "50,100", seeds, objectives, samplers, f"window={window}"],
                         check=True, capture_output=True, text=True).stdout
    rows += [json.loads(line) for line in out.splitlines() if line.startswith("{")]

best = {}
for r in rows:
    best[(r["objective"], r["sampler"], r["window"], r["budget"], r["seed"])] = r["best"]


def mean(obj, sampler, window, budget):
    return statistics.mean(v for k, v in best.items() if k[:4] == (obj, sampler, window, budget))


def wins(obj, liar, plain, window, budget):
    keys = [k for k in best if k[:4] == (obj, plain, window, budget)]
    better = sum(best[(obj, liar, window, budget, k[4])] < best[k] for k in keys)
    worse = sum(best[(obj, liar, window, budget, k[4])] > best[k] for k in keys)
    return f"{better}/{worse}"


n = len(seeds.split(","))
for budget in (50, 100):
    print(f"\n{budget} trials, mean best over {n} seeds (liar better / worse than plain, seeds):\n")
    head = "| objective | tpe, 1 worker | random |"
    for w in windows:
        head += f" tpe, {w} | tpe-liar, {w} | liar better/worse | tpe-mv, {w} | tpe-mv-liar, {w} | liar better/worse |"
    print(head)
    print("|---" * (3 + 6 * len(windows)) + "|")
    for obj in objectives.split(","):
        line = f"| {obj} | {mean(obj, 'tpe', 1, budget):.4g} | {mean(obj, 'random', 1, budget):.4g} |"
        for w in windows:
            line += (f" {mean(obj, 'tpe', w, budget):.4g} | {mean(obj, 'tpe-liar', w, budget):.4g} | {wins(obj, 'tpe-liar', 'tpe', w, budget)} |"
                     f" {mean(obj, 'tpe-mv', w, budget):.4g} | {mean(obj, 'tpe-mv-liar', w, budget):.4g} | {wins(obj, 'tpe-mv-liar', 'tpe-mv', w, budget)} |")
        print(line)

print("\nOver the objectives: liar's mean best lower on how many; seeds better / worse in all:\n")
for budget in (50, 100):
    for w in windows:
        for liar, plain in (("tpe-liar", "tpe"), ("tpe-mv-liar", "tpe-mv")):
            objs = objectives.split(",")
            lower = sum(mean(o, liar, w, budget) < mean(o, plain, w, budget) for o in objs)
            b = sum(int(wins(o, liar, plain, w, budget).split("/")[0]) for o in objs)
            x = sum(int(wins(o, liar, plain, w, budget).split("/")[1]) for o in objs)
            print(f"- {budget} trials, {w} workers, {liar} against {plain}: mean best lower on {lower} of {len(objs)}; seeds {b} better, {x} worse")
