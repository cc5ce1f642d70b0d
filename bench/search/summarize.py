"""Reads the JSON lines of TpeBench and optuna_bench.py and prints a markdown table: mean best value (lower is better) per objective."""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
groups = defaultdict(list)
for r in rows:
    groups[(r["objective"], r["budget"], r["impl"].split()[0], r["sampler"])].append(r)
print("| objective | trials | sampler | Keel mean best | Optuna mean best | Keel seeds ≤ Optuna | Keel ms/trial | Optuna ms/trial |")
print("|---|---|---|---|---|---|---|---|")
for (obj, budget, impl, sampler), keel in sorted(groups.items()):
    if impl != "keel":
        continue
    opt = groups.get((obj, budget, "optuna", sampler))
    if not opt:
        continue  # a Keel-only sampler (round 5's candidates): no Optuna counterpart
    k = {r["seed"]: r["best"] for r in keel}
    o = {r["seed"]: r["best"] for r in opt}
    wins = sum(1 for s in k if s in o and k[s] <= o[s])
    print(f"| {obj} | {budget} | {sampler} | {statistics.mean(k.values()):.4f} | {statistics.mean(o.values()):.4f} | {wins}/{len(k)} | "
          f"{statistics.mean(r['ms_per_trial'] for r in keel):.2f} | {statistics.mean(r['ms_per_trial'] for r in opt):.2f} |")
