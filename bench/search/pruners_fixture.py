"""Writes tests/Keel.Search.Tests/Fixtures/optuna_pruners.json: where Optuna 3.1's MedianPruner, PercentilePruner, ThresholdPruner and
PatientPruner (Debian python3-optuna) stop trials with given learning curves, for Keel's pruners to reproduce step for step.

Each study runs its trials one after another. A trial reports its curve (losses, minimised; some NaN) step by step, at steps 0, 1,
2, ... or, for the sparse curves, at every second or third step, and asks `should_prune()` after each report; it is pruned at the
first yes, else completed with its last loss. A NaN loss is written as null. Written per trial: the steps and losses it would report, and where it was pruned.
Keel counts steps from 1 (boosting rounds), so Keel's step is Optuna's + 1.

    /usr/bin/python3 bench/search/pruners_fixture.py
"""
import json
import math
import warnings

import numpy as np
import optuna
from optuna.pruners import MedianPruner, PatientPruner, PercentilePruner, ThresholdPruner

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore")


def curves(seed, n_trials, length, sparse=False, nans=False):
    rs = np.random.RandomState(seed)
    out = []
    for _ in range(n_trials):
        start, floor, rate = rs.uniform(0.6, 1.2), rs.uniform(0.05, 0.5), rs.uniform(0.02, 0.3)
        stride = int(rs.choice([1, 2, 3])) if sparse else 1
        steps = list(range(0, length, stride))
        values = [float(floor + (start - floor) * math.exp(-rate * s) + rs.normal(0, 0.02)) for s in steps]
        if nans and rs.uniform() < 0.15:
            values[int(rs.randint(len(values)))] = float("nan")
        if nans and rs.uniform() < 0.05:
            values = [float("nan")] * len(values)
        out.append({"steps": steps, "values": values})
    return out


def run(pruner, trials):
    study = optuna.create_study(pruner=pruner, sampler=optuna.samplers.RandomSampler(seed=0))
    for t in trials:
        trial = study.ask()
        pruned = None
        for step, value in zip(t["steps"], t["values"]):
            trial.report(value, step)
            if trial.should_prune():
                pruned = step
                break
        if pruned is None:
            study.tell(trial, t["values"][-1] if not math.isnan(t["values"][-1]) else 1e9)
        else:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        t["pruned_at"] = pruned
        t["values"] = [None if math.isnan(v) else v for v in t["values"]]  # JSON has no NaN: null
    return trials


cases = [
    ("median", {}, MedianPruner(), curves(1, 30, 20)),
    ("median", {"startup": 3, "warmup": 4, "interval": 3}, MedianPruner(3, 4, 3), curves(2, 30, 24, sparse=True)),
    ("percentile", {"percentile": 25.0, "startup": 3, "warmup": 4, "interval": 3, "min_trials": 2},
     PercentilePruner(25.0, 3, 4, 3, n_min_trials=2), curves(3, 40, 24, sparse=True, nans=True)),
    ("percentile", {"percentile": 80.0, "startup": 2}, PercentilePruner(80.0, 2), curves(4, 30, 15, nans=True)),
    ("threshold", {"lower": 0.1, "upper": 0.9, "warmup": 2, "interval": 2}, ThresholdPruner(0.1, 0.9, 2, 2), curves(5, 30, 20, sparse=True, nans=True)),
    ("patient", {"patience": 3, "min_delta": 0.01}, PatientPruner(None, 3, 0.01), curves(6, 30, 25, nans=True)),
    ("patient", {"patience": 2, "wrapped": "median", "startup": 2}, PatientPruner(MedianPruner(2), 2), curves(7, 30, 25)),
]
out = {"optuna": optuna.__version__, "numpy": np.__version__,
       "cases": [{"pruner": name, "options": options, "trials": run(pruner, trials)} for name, options, pruner, trials in cases]}
with open("tests/Keel.Search.Tests/Fixtures/optuna_pruners.json", "w") as fh:
    json.dump(out, fh)
    fh.write("\n")
for c in out["cases"]:
    print(c["pruner"], c["options"], "pruned", sum(t["pruned_at"] is not None for t in c["trials"]), "of", len(c["trials"]))
