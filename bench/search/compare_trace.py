"""Compares the trial traces of TpeBench and optuna_bench.py ("trace" mode): per objective, budget and seed, whether Keel's trials
repeat Optuna's bit for bit, how many leading trials match exactly, and the first trial whose parameters differ (beyond 1e-9).

    /usr/bin/python3 bench/search/compare_trace.py TRACE.jsonl [50,100]
"""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
budgets = [int(b) for b in (sys.argv[2] if len(sys.argv) > 2 else "50,100").split(",")]
runs = defaultdict(list)
for r in rows:
    runs[(r["objective"], r["sampler"], r["seed"], r["impl"].split()[0])].append(r)


def close(a, b):
    return a.keys() == b.keys() and all(abs(a[k] - b[k]) <= 1e-9 * max(1.0, abs(b[k])) for k in a)


print("| objective | trials | seeds with the identical trial sequence | identical best value | first differing trial (seeds that differ) | Keel mean best | Optuna mean best |")
print("|---|---|---|---|---|---|---|")
objectives = sorted({k[0] for k in runs}, key=lambda o: [k[0] for k in runs].index(o))
for obj in objectives:
    for budget in budgets:
        seeds = sorted(k[2] for k in runs if k[0] == obj and k[3] == "keel" and k[1] == "tpe")
        same = same_best = 0
        first_diff = []
        kb, ob = [], []
        for seed in seeds:
            keel = sorted(runs[(obj, "tpe", seed, "keel")], key=lambda r: r["trial"])[:budget]
            opt = sorted(runs[(obj, "tpe", seed, "optuna")], key=lambda r: r["trial"])[:budget]
            exact = [k["params"] == o["params"] for k, o in zip(keel, opt)]
            if all(exact) and len(keel) == len(opt) == budget:
                same += 1
            else:
                near = [close(k["params"], o["params"]) for k, o in zip(keel, opt)]
                first_diff.append(str(near.index(False)) if False in near else f"{exact.index(False)}*")
            kbest, obest = min(r["value"] for r in keel), min(r["value"] for r in opt)
            same_best += kbest == obest
            kb.append(kbest)
            ob.append(obest)
        print(f"| {obj} | {budget} | {same}/{len(seeds)} | {same_best}/{len(seeds)} | {', '.join(first_diff) or '-'} | "
              f"{statistics.mean(kb):.4f} | {statistics.mean(ob):.4f} |")
print()
print("A first differing trial marked * differs only below 1e-9 (last bits); unmarked, by more.")
