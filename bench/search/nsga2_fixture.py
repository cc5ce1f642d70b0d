"""Writes tests/Keel.Search.Tests/Fixtures/optuna_nsga2.json: what Keel's `nsga2` sampler must reproduce of Optuna 3.1's
NSGAIISampler (Debian python3-optuna, numpy 1.24) bit for bit: numpy's RandomState.choice(n) (legacy masked rejection) and the trials
NSGAIISampler(seed, population_size, ...) proposes on studies with two and three objectives, one objective, pruned trials, enqueued
trials and non-default operator probabilities (history and proposals; the test feeds the history back and compares the proposals).

    /usr/bin/python3 bench/search/nsga2_fixture.py
"""
import os

os.environ["NPY_DISABLE_CPU_FEATURES"] = "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"

import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import optuna  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optuna_bench  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)

choices = []
for seed, n in [(0, 1), (0, 7), (3, 50), (42, 2), (7, 1000), (11, 2**20 + 3), (5, 49)]:
    rs = np.random.RandomState(seed)
    picks = [int(rs.choice(n)) for _ in range(40)]
    choices.append({"seed": seed, "n": n, "picks": picks, "after": rs.random_sample(2).tolist()})

mixed = dict(optuna_bench.OBJECTIVES)["mixed"]
gbmlike = dict(optuna_bench.OBJECTIVES)["gbmlike"]


def mixed_cost(t):
    v = mixed(t)
    p = t.params
    return v, round(math.log2(p["leaves"])) + (2 if p["booster"] == "dart" else 0)


def mixed_cost_pruned(t):
    v = mixed_cost(t)
    if t.params["x"] > 3.5:
        raise optuna.TrialPruned()
    return v


def gbm_three(t):
    v = gbmlike(t)
    p = t.params
    return -v, p["depth"] * (1.5 if p["booster"] == "dart" else 1.0), p["subsample"] + 1 / p["lr"] ** 0.25


def record(t, multi):
    d = {"params": {k: t.distributions[k].to_internal_repr(v) for k, v in t.params.items()}, "state": t.state.name.lower()}
    if t.state == optuna.trial.TrialState.COMPLETE:
        if multi:
            d["values"] = t.values
        else:
            d["value"] = t.value
    return d


cases = []
for name, space, fn, directions, seed, options, n, enqueue in [
    ("two objectives", "mixed", mixed_cost, ["minimize", "minimize"], 3, {"population_size": 8}, 64, {}),
    ("three objectives", "gbmlike", gbm_three, ["maximize", "minimize", "minimize"], 5, {"population_size": 10}, 70, {}),
    ("one objective", "mixed", mixed, ["minimize"], 1, {"population_size": 6}, 45, {}),
    ("pruned trials", "mixed", mixed_cost_pruned, ["minimize", "minimize"], 9, {"population_size": 6}, 50, {}),
    ("operators", "gbmlike", gbm_three, ["maximize", "minimize", "minimize"], 21,
     {"population_size": 5, "mutation_prob": 0.3, "crossover_prob": 0.6, "swapping_prob": 0.3}, 45, {}),
    ("enqueued", "mixed", mixed_cost, ["minimize", "minimize"], 4, {"population_size": 6},
     40, {2: {"x": 1.5, "lr": 0.01, "leaves": 31, "booster": "goss"}, 20: {"booster": "dart"}, 27: {"x": -2.0, "lr": 0.3}}),
]:
    sampler = optuna.samplers.NSGAIISampler(seed=seed, **options)
    study = optuna.create_study(directions=directions, sampler=sampler)
    done = 0
    for at in sorted(enqueue) + [n]:
        study.optimize(fn, n_trials=at - done, catch=())
        done = at
        if at in enqueue:
            study.enqueue_trial(enqueue[at])
    # After each enqueue the loop above runs up to the next one; the enqueued trial is the next asked.
    multi = len(directions) > 1
    assert all(t.system_attrs.get("nsga2:generation") is not None for t in study.trials)
    cases.append({"name": name, "space": space, "seed": seed, "options": options, "directions": directions,
                  "enqueued": {str(k): sorted(v) for k, v in enqueue.items()},
                  "generations": [t.system_attrs["nsga2:generation"] for t in study.trials],
                  "trials": [record(t, multi) for t in study.trials]})

out = {"optuna": optuna.__version__, "numpy": np.__version__, "choice": choices, "nsga2": cases}
with open("tests/Keel.Search.Tests/Fixtures/optuna_nsga2.json", "w") as f:
    json.dump(out, f)
    f.write("\n")
print({c["name"]: (len(c["trials"]), max(c["generations"])) for c in cases})
