"""Compares the trial traces of TpeBench and optuna_bench.py ("trace" mode) for one sampler (tpe, or the third argument): per objective and budget, over the
seeds, whether Keel's trials repeat Optuna's bit for bit, whether they stay within 1e-9 (relative) of Optuna's throughout, the
first trial that differs in the last bits and the first that differs by more, whether the best values agree, and both mean bests.

    /usr/bin/python3 bench/search/compare_trace.py TRACE.jsonl [50,100] [tpe|nsga2]
"""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
budgets = [int(b) for b in (sys.argv[2] if len(sys.argv) > 2 else "50,100").split(",")]
sampler = sys.argv[3] if len(sys.argv) > 3 else "tpe"
runs = defaultdict(list)
for r in rows:
    runs[(r["objective"], r["sampler"], r["seed"], r["impl"].split()[0])].append(r)


def near(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def close(a, b):
    return a.keys() == b.keys() and all(near(a[k], b[k]) for k in a)


def first(flags):
    return str(flags.index(False)) if False in flags else "-"


print("| objective | trials | identical trials (seeds) | within 1e-9 throughout | first trial differing in the last bits / by more, per seed "
      "| identical best | best within 1e-9 | Keel mean best | Optuna mean best |")
print("|---|---|---|---|---|---|---|---|---|")
objectives = list(dict.fromkeys(k[0] for k in runs))
for obj in objectives:
    for budget in budgets:
        seeds = sorted(k[2] for k in runs if k[0] == obj and k[3] == "keel" and k[1] == sampler)
        same = within = same_best = near_best = 0
        where = []
        kb, ob = [], []
        for seed in seeds:
            keel = sorted(runs[(obj, sampler, seed, "keel")], key=lambda r: r["trial"])[:budget]
            opt = sorted(runs[(obj, sampler, seed, "optuna")], key=lambda r: r["trial"])[:budget]
            exact = [k["params"] == o["params"] for k, o in zip(keel, opt)]
            approx = [close(k["params"], o["params"]) for k, o in zip(keel, opt)]
            same += all(exact) and len(keel) == len(opt) == budget
            within += all(approx) and len(keel) == len(opt) == budget
            if not all(exact):
                where.append(f"{first(exact)}/{first(approx)}")
            kbest, obest = min(r["value"] for r in keel), min(r["value"] for r in opt)
            same_best += kbest == obest
            near_best += near(kbest, obest)
            kb.append(kbest)
            ob.append(obest)
        print(f"| {obj} | {budget} | {same}/{len(seeds)} | {within}/{len(seeds)} | {', '.join(where) or '-'} | {same_best}/{len(seeds)} | "
              f"{near_best}/{len(seeds)} | {statistics.mean(kb):.4f} | {statistics.mean(ob):.4f} |")
