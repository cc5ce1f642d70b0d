"""What each pruner saves and what it costs: `keel search` with pruner none, median, asha and hyperband (or --pruners) on the same
searches.

    /usr/bin/python3 bench/search/pruners.py --keel REL/keel.dll [--seeds 0,1,2,3,4] [--trials 40] [--work DIR] [--pruners NAMES]

--pruners: a comma-separated list of none, median, asha, hyperband and the variants in VARIANTS (percentile25, patient10,
patient10median, threshold069); default none,median,asha,hyperband. "none" should be among them: the table's ratios are against it.

One `keel search` per pruner and seed on samples/credit_data.csv: family lightgbm with 200 rounds and no early stopping (so the
rounds a trial trains are the pruner's doing), `sampler: tpe` with the seed, trials scored on the validation split. Read from each
search's store: the best trial's validation auc, how many trials were pruned, and the boosting rounds trained, counted as Keel
trains a trial, in rungs (10, 30, 90, then 200 rounds, each rung trained afresh; `pruner: none` trains 200 at once). Trial wall
seconds are shown too, but depend on the machine's load. --work reuses the stores of an earlier run in DIR.
"""
import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = """data: {{path: {data}, label: Status}}
seed: {seed}
split: {{selection: validation}}
models:
  - {{type: lightgbm, options: {{number_of_iterations: 200, early_stopping_rounds: 0}}}}
search:
  study: pruners-{name}-{seed}
  sampler: tpe
  trials: {trials}
  families: [lightgbm]
  pruner: {pruner}
"""
RUNGS = [10, 30, 90, 200]
# search.pruner as a mapping, by the name a variant's study and folder take.
VARIANTS = {
    "percentile25": "{type: percentile, percentile: 25}",
    "patient10": "{type: patient, patience: 10}",
    "patient10median": "{type: patient, patience: 10, wrapped: median}",
    "threshold069": "{type: threshold, upper: 0.69}",
}


def trained(last_step, pruner):
    """Rounds trained by a trial that reported up to last_step: every rung up to the one holding it, each afresh."""
    if pruner == "none":
        return 200
    total = 0
    for rung in RUNGS:
        total += rung
        if last_step <= rung:
            break
    return total


def search(dll, pruner, seed, trials, work):
    folder = os.path.join(work, f"{pruner}-{seed}")
    db_path = os.path.join(folder, "store", "keel.db")
    if not os.path.exists(db_path):
        os.makedirs(folder, exist_ok=True)
        spec = os.path.join(folder, "keel.yaml")
        with open(spec, "w") as f:
            f.write(SPEC.format(data=os.path.join(ROOT, "samples", "credit_data.csv"), seed=seed, name=pruner, pruner=VARIANTS.get(pruner, pruner),
                                trials=trials))
        subprocess.run(["dotnet", dll, "search", spec, "--store", os.path.join(folder, "store")], check=True, stdout=subprocess.DEVNULL)
    db = sqlite3.connect(db_path)
    rows = db.execute("""
        SELECT t.number, t.state, t.value, (SELECT MAX(step) FROM trial_values v WHERE v.study = t.study AND v.number = t.number),
               (julianday(t.ended_at) - julianday(t.started_at)) * 86400
        FROM trials t ORDER BY t.number""").fetchall()
    return [{"number": n, "state": s, "value": v, "last_step": step or 200, "seconds": sec} for n, s, v, step, sec in rows]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keel", required=True)
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--trials", type=int, default=40)
    ap.add_argument("--work")
    ap.add_argument("--pruners", default="none,median,asha,hyperband")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    work = a.work or tempfile.mkdtemp(prefix="keel-pruners-")
    print(f"stores in {work}", file=sys.stderr)
    result = {}
    for pruner in a.pruners.split(","):
        per_seed = []
        for seed in seeds:
            trials = search(a.keel, pruner, seed, a.trials, work)
            complete = [t for t in trials if t["state"] == "complete"]
            per_seed.append({"best_auc": max(t["value"] for t in complete), "pruned": sum(t["state"] == "pruned" for t in trials),
                             "rounds": sum(trained(t["last_step"], pruner) for t in trials), "seconds": sum(t["seconds"] or 0 for t in trials)})
            print(f"{pruner} seed {seed}: {per_seed[-1]}", file=sys.stderr, flush=True)
        result[pruner] = per_seed
    print(f"\nlightgbm on credit_data, {a.trials} trials of 200 rounds, seeds {a.seeds}", file=sys.stderr)
    print("| pruner | best validation auc (mean ± sd) | trials pruned (mean) | rounds trained (mean) | against none | trial seconds (mean) |",
          file=sys.stderr)
    print("|---|---|---|---|---|---|", file=sys.stderr)
    base = statistics.mean(s["rounds"] for s in result["none"])
    for pruner, runs in result.items():
        best = [s["best_auc"] for s in runs]
        rounds = statistics.mean(s["rounds"] for s in runs)
        print(f"| {pruner} | {statistics.mean(best):.4f} ± {statistics.stdev(best) if len(best) > 1 else 0:.4f} | "
              f"{statistics.mean(s['pruned'] for s in runs):.1f} | {rounds:,.0f} | {rounds / base:.2f}× | "
              f"{statistics.mean(s['seconds'] for s in runs):.0f} |", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
