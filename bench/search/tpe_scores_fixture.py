"""Writes tests/Keel.Search.Tests/Fixtures/tpe_optuna31_scores.json: Optuna 3.1's TPE acquisition log l(x) - log g(x)
(Debian python3-optuna, TPESampler defaults) on fixed histories, at a grid of values per parameter, built exactly as
TPESampler.sample_independent builds its two Parzen estimators. Histories: hartmann6 with 60 and 300 random trials (the
300 reach gamma's cap of 25 and the weights' ramp) and the mixed space of TpeBench with 40 trials (log float, log integer
with distinct values, categorical, and a float that exists only under one choice). With multivariate=True, "joint" holds
the joint acquisition at 30 random points of the parameters every trial has, built as TPESampler._sample_relative builds it.

    /usr/bin/python3 bench/search/tpe_scores_fixture.py
"""
import json
import math

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers import TPESampler
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator
from optuna.samplers._tpe.sampler import _get_observation_pairs, _split_observation_pairs

optuna.logging.set_verbosity(optuna.logging.WARNING)

ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def hartmann6(x):
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[f"x{j}"] - P[i][j]) ** 2 for j in range(6))) for i in range(4))


def mixed(p):
    v = (p["x"] - 1.5) ** 2 + (math.log10(p["lr"]) + 2) ** 2 + math.log2(p["leaves"] / 31) ** 2 / 4
    if p["booster"] == 1:
        return v + 0.5 + 4 * (p["drop"] - 0.1) ** 2
    return v + (0 if p["booster"] == 2 else 1)


def study_of(space, history):
    study = optuna.create_study()
    for h in history:
        params = {k: (space[k].choices[int(v)] if isinstance(space[k], CategoricalDistribution) else v) for k, v in h["params"].items()}
        study.add_trial(optuna.trial.create_trial(params=params, distributions={k: space[k] for k in params}, value=h["value"]))
    return study


def joint_scores(space, history, points):
    study = study_of(space, history)
    sampler = TPESampler(multivariate=True)
    names = [k for k in space if all(k in h["params"] for h in history)]
    sub = {k: space[k] for k in names}
    values, s, violations = _get_observation_pairs(study, names, False, False)
    below_idx, above_idx = _split_observation_pairs(s, sampler._gamma(len(s)), violations)
    config = {k: np.asarray(v, dtype=float) for k, v in values.items()}
    mpe_below = _ParzenEstimator({k: v[below_idx] for k, v in config.items()}, sub, sampler._parzen_estimator_parameters)
    mpe_above = _ParzenEstimator({k: v[above_idx] for k, v in config.items()}, sub, sampler._parzen_estimator_parameters)
    x = {k: np.asarray([p[k] for p in points]) for k in names}
    return {"points": points, "scores": (mpe_below.log_pdf(x) - mpe_above.log_pdf(x)).tolist()}


def scores(space, history, grids):
    study = study_of(space, history)
    sampler = TPESampler()
    out = {}
    for name, grid in grids.items():
        values, s, violations = _get_observation_pairs(study, [name], False, False)
        below_idx, above_idx = _split_observation_pairs(s, sampler._gamma(len(s)), violations)
        config = np.asarray(values[name], dtype=float)
        mask = ~np.isnan(config)
        below = {name: config[below_idx[mask[below_idx]]]}
        above = {name: config[above_idx[mask[above_idx]]]}
        mpe_below = _ParzenEstimator(below, {name: space[name]}, sampler._parzen_estimator_parameters)
        mpe_above = _ParzenEstimator(above, {name: space[name]}, sampler._parzen_estimator_parameters)
        x = {name: np.asarray(grid)}
        out[name] = {"values": grid, "scores": (mpe_below.log_pdf(x) - mpe_above.log_pdf(x)).tolist()}
    return out


rng = np.random.RandomState(9)
cases = []
unit = [i / 20 for i in range(21)]
h6 = {f"x{j}": FloatDistribution(0, 1) for j in range(6)}
for n in (60, 300):
    history = []
    for _ in range(n):
        p = {f"x{j}": float(rng.uniform()) for j in range(6)}
        history.append({"params": p, "value": hartmann6(p)})
    points = [{k: float(rng.uniform()) for k in h6} for _ in range(30)]
    cases.append({"name": f"hartmann6-{n}", "history": history, "grids": scores(h6, history, {k: unit for k in h6}),
                  "joint": joint_scores(h6, history, points)})

mixed_space = {"x": FloatDistribution(-5, 5), "lr": FloatDistribution(1e-4, 1, log=True), "leaves": IntDistribution(2, 256, log=True),
               "booster": CategoricalDistribution(["gbdt", "dart", "goss"]), "drop": FloatDistribution(0, 0.5)}
history, seen = [], set()
while len(history) < 40:
    p = {"x": float(rng.uniform(-5, 5)), "lr": float(math.exp(rng.uniform(math.log(1e-4), 0))),
         "leaves": int(np.clip(round(math.exp(rng.uniform(math.log(1.5), math.log(256.5)))), 2, 256)), "booster": int(rng.randint(3))}
    if p["leaves"] in seen:  # distinct: numpy's unstable argsort would hand tied values their bandwidths in an arbitrary order
        continue
    seen.add(p["leaves"])
    if p["booster"] == 1:
        p["drop"] = float(rng.uniform(0, 0.5))
    history.append({"params": p, "value": mixed(p)})
grids = {"x": [-5 + i / 2 for i in range(21)], "lr": [10 ** (-4 + i / 5) for i in range(21)], "leaves": [2, 3, 5, 8, 13, 20, 31, 50, 80, 128, 200, 256],
         "booster": [0, 1, 2], "drop": [i / 40 for i in range(21)]}
points = [{"x": float(rng.uniform(-5, 5)), "lr": float(10 ** rng.uniform(-4, 0)), "leaves": int(rng.randint(2, 257)), "booster": int(rng.randint(3))}
          for _ in range(30)]
cases.append({"name": "mixed-40", "history": history, "grids": scores(mixed_space, history, grids),
              "joint": joint_scores(mixed_space, history, points)})

with open("tests/Keel.Search.Tests/Fixtures/tpe_optuna31_scores.json", "w") as f:
    json.dump({"optuna": optuna.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
