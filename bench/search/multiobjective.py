"""Multi-objective `keel search`: how good a Pareto front each sampler finds at the same budget, by its hypervolume.

    /usr/bin/python3 bench/search/multiobjective.py --keel REL/keel.dll [--before OLD/keel.dll] [--seeds 0,1,2,3,4] [--trials 50]
        [--family lightgbm] [--work DIR] [--multivariate] [--nsga2 POPULATION]

One `keel search` per sampler and seed on samples/credit_data.csv, one family (lightgbm by default), objectives auc (higher)
and size (model bytes, lower), scored on the validation split, no pruner:
  - motpe:  `sampler: tpe`, which with two objectives is Optuna 3.1's multi-objective TPE;
  - random: `sampler: random`;
  - before: `sampler: tpe` run by an older keel.dll (--before) whose TPE optimised the metric alone and only kept the front;
  - with --multivariate also mv (`sampler: tpe-multivariate`, which searches for the front too) and mv-before (the older
    keel.dll's `tpe-multivariate`, the metric alone);
  - with --nsga2 P also nsga2 (`sampler: nsga2`, `population: P`: Optuna 3.1's NSGA-II, the first P trials random).
Each trial's (1 − auc, size) is read from the store the search wrote. The hypervolume of a search's front after k trials is
measured against one reference point for all searches: the worst 1 − auc and the largest size of any trial of any of them,
as a share of the box between the reference point and (0, 0); and again with log10 of the size (sizes span orders of magnitude,
so in bytes the box is as wide as the largest model and the front's differences in size barely count). --work reuses the
stores of an earlier run in DIR (a search whose store exists is not run again). Needs Debian's python3-optuna (its WFG
hypervolume).
"""
import argparse
import json
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile

import numpy as np
from optuna._hypervolume import WFG

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = """data: {{path: {data}, label: Status}}
seed: {seed}
split: {{selection: validation}}
search:
  study: mo-{name}-{seed}
  sampler: {sampler}
  trials: {trials}
  families: [{family}]
  pruner: none
  objectives: [auc, size]
{extra}"""


def search(dll, name, sampler, seed, trials, family, work, extra=""):
    folder = os.path.join(work, f"{name}-{seed}")
    if not os.path.exists(os.path.join(folder, "store", "keel.db")):
        os.makedirs(folder, exist_ok=True)
        spec = os.path.join(folder, "keel.yaml")
        with open(spec, "w") as f:
            f.write(SPEC.format(data=os.path.join(ROOT, "samples", "credit_data.csv"), seed=seed, name=name, sampler=sampler, trials=trials,
                                family=family, extra=extra))
        subprocess.run(["dotnet", dll, "search", spec, "--store", os.path.join(folder, "store")], check=True, stdout=subprocess.DEVNULL)
    db = sqlite3.connect(os.path.join(folder, "store", "keel.db"))
    rows = db.execute("""
        SELECT t.number, t.state,
               (SELECT value FROM latest_metrics m WHERE m.run_id = t.run_id AND m.key = 'val.auc'),
               (SELECT value FROM latest_metrics m WHERE m.run_id = t.run_id AND m.key = 'model_bytes')
        FROM trials t ORDER BY t.number""").fetchall()
    return [(n, 1 - auc, size) for n, state, auc, size in rows if state == "complete" and auc is not None and size is not None]


def hypervolume(points, reference, log_size):
    pts = np.array([[a, math.log10(s) if log_size else s] for _, a, s in points])
    return WFG().compute(pts, np.array(reference)) / (reference[0] * reference[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keel", required=True)
    ap.add_argument("--before")
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--family", default="lightgbm")
    ap.add_argument("--work")
    ap.add_argument("--multivariate", action="store_true")
    ap.add_argument("--nsga2", type=int, metavar="POPULATION")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    variants = [("motpe", a.keel, "tpe"), ("random", a.keel, "random")] + ([("before", a.before, "tpe")] if a.before else [])
    if a.multivariate:
        variants += [("mv", a.keel, "tpe-multivariate")] + ([("mv-before", a.before, "tpe-multivariate")] if a.before else [])
    if a.nsga2:
        variants += [("nsga2", a.keel, "nsga2")]
    work = a.work or tempfile.mkdtemp(prefix="keel-mo-")
    print(f"stores in {work}", file=sys.stderr)
    found = {}
    for seed in seeds:
        for name, dll, sampler in variants:
            extra = f"  population: {a.nsga2}\n" if sampler == "nsga2" else ""
            found[(name, seed)] = search(dll, name, sampler, seed, a.trials, a.family, work, extra)
            print(f"{name} seed {seed}: {len(found[(name, seed)])} complete trials", file=sys.stderr, flush=True)
    everything = [p for pts in found.values() for p in pts]
    checkpoints = sorted({a.trials // 2, a.trials})
    result = {"family": a.family, "trials": a.trials, "seeds": seeds, "scales": {}}
    print(f"\n{a.family}, {a.trials} trials, seeds {a.seeds}", file=sys.stderr)
    for scale, log_size in [("bytes", False), ("log10 bytes", True)]:
        reference = [max(p[1] for p in everything), max(math.log10(p[2]) if log_size else p[2] for p in everything)]
        variants_out = {}
        for name, _, _ in variants:
            hv = {str(k): [hypervolume([p for p in found[(name, s)] if p[0] < k], reference, log_size) for s in seeds] for k in checkpoints}
            fronts = [found[(name, s)] for s in seeds]
            variants_out[name] = {"hypervolume": hv, "best_auc": [1 - min(p[1] for p in f) for f in fronts],
                                  "smallest_size": [min(p[2] for p in f) for f in fronts]}
        result["scales"][scale] = {"reference": reference, "variants": variants_out}
        print(f"\nsize in {scale}; reference point: 1 - auc {reference[0]:.4f}, size {reference[1]:,.4g}", file=sys.stderr)
        print("| sampler | " + " | ".join(f"hypervolume after {k} trials (mean ± sd)" for k in checkpoints) + " | best auc (mean) | smallest size (mean) |",
              file=sys.stderr)
        print("|---|" + "---|" * (len(checkpoints) + 2), file=sys.stderr)
        for name, v in variants_out.items():
            cells = [f"{statistics.mean(v['hypervolume'][str(k)]):.4f} ± {statistics.stdev(v['hypervolume'][str(k)]):.4f}" for k in checkpoints]
            print(f"| {name} | " + " | ".join(cells) + f" | {statistics.mean(v['best_auc']):.4f} | {statistics.mean(v['smallest_size']):,.0f} |",
                  file=sys.stderr)
        last = str(a.trials)
        for name in variants_out:
            for mine, theirs in [("motpe", name), ("mv", name), ("nsga2", name)]:
                if mine in variants_out and theirs != mine and not (mine == "mv" and theirs != "mv-before") and not (mine == "nsga2" and theirs not in ("random", "motpe")):
                    wins = sum(variants_out[mine]["hypervolume"][last][i] > variants_out[theirs]["hypervolume"][last][i] for i in range(len(seeds)))
                    print(f"{mine}'s front larger than {theirs}'s after {a.trials} trials on {wins} of {len(seeds)} seeds", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
