"""Writes tests/Keel.Search.Tests/Fixtures/tpe_watanabe_scores.json: the joint TPE acquisition log l(x) - log g(x) under two
combinations of Watanabe (2023)'s components, computed here from scratch with numpy/scipy, independently of Keel's code, on the
fixed histories and points of tpe_optuna31_scores.json (hartmann6 with 60 and 300 trials, the mixed space with 40) and on
"tight-30" (its history stored here: the best two of 30 trials in 6-D within 0.002 of the centre, so the smallest width binds),
and Scott's rule on a few arrays.

Both combinations: multivariate (one component per trial and the prior, shared weights); uniform weights, prior weight 1; per
numeric parameter in internal space (log for log floats, log of bounds widened by 1/2 for log integers) every component's width
is Scott's rule over the observations and the prior's centre, 1.059 min(IQR / 1.34, sd) m^(-1/5) (numpy's std with ddof 1 and
linear percentiles), clipped to [smallest, range], the prior's the range; normalised truncated-normal densities. They differ:
  "w4" (round 5's W4): the best ceil(0.25 sqrt(n)) trials (at most 25) are "below"; smallest width 0.03 range; categoricals by
        Aitchison-Aitken kernels (0.8 on the observed choice, 0.2 shared by the others; the prior uniform);
  "r"  (round 5's R, TpeSamplerOptions.Watanabe2023): the best ceil(0.1 n) (at most 25); smallest width range max(0.01, 1/(m+2))
        for m observations; Optuna's categorical smoothing (1/(m+1) on every choice, 1 more on the observed one, per row).
"Below" is by loss then trial number.

    /usr/bin/python3 bench/search/tpe_watanabe_fixture.py
"""
import json
import math
import os

import numpy as np
from scipy.special import logsumexp
from scipy.stats import norm

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "tests", "Keel.Search.Tests", "Fixtures")

# name -> (kind, low, high) in internal space; kind "num" or ("cat", choices)
HARTMANN6 = {f"x{j}": ("num", 0.0, 1.0, False) for j in range(6)}
MIXED = {"x": ("num", -5.0, 5.0, False), "lr": ("num", math.log(1e-4), math.log(1.0), True),
         "leaves": ("num", math.log(1.5), math.log(256.5), True), "booster": ("cat", 3)}


def scott(mus):
    mus = np.asarray(mus, dtype=float)
    std = np.std(mus, ddof=int(mus.size > 1))
    iqr = np.subtract.reduce(np.percentile(mus, [75, 25]))
    return 1.059 * min(iqr / 1.34, std) * mus.size ** -0.2


CONFIGS = {"w4": {"gamma": lambda n: math.ceil(0.25 * math.sqrt(n)), "floor": lambda m: 0.03, "aa": 0.2},
           "r": {"gamma": lambda n: math.ceil(0.1 * n), "floor": lambda m: max(0.01, 1.0 / (m + 2)), "aa": None}}


def log_mixture(space, trials, x, config):
    m = len(trials)
    logw = np.log(np.full(m + 1, 1.0 / (m + 1)))
    terms = logw.copy()
    for name, spec in space.items():
        if spec[0] == "cat":
            k = spec[1]
            if config["aa"] is not None:
                rows = np.full((m + 1, k), config["aa"] / (k - 1))
                for i, t in enumerate(trials):
                    rows[i, int(t["params"][name])] = 1 - config["aa"]
            else:
                rows = np.full((m + 1, k), 1.0 / (m + 1))
                for i, t in enumerate(trials):
                    rows[i, int(t["params"][name])] += 1
                rows /= rows.sum(axis=1, keepdims=True)
            rows[m] = 1.0 / k
            terms += np.log(rows[:, int(x[name])])
            continue
        _, low, high, log = spec
        obs = [math.log(t["params"][name]) if log else t["params"][name] for t in trials]
        mus = np.asarray(obs + [0.5 * (low + high)])
        rng = high - low
        sig = np.clip(np.full(m + 1, scott(mus)), config["floor"](m) * rng, rng)
        sig[-1] = rng
        v = math.log(x[name]) if log else x[name]
        mass = norm.cdf((high - mus) / sig) - norm.cdf((low - mus) / sig)
        terms += norm.logpdf((v - mus) / sig) - np.log(sig) - np.log(mass)
    return logsumexp(terms)


def scores(space, history, points, config):
    names = [k for k in space if all(k in h["params"] for h in history)]
    sub = {k: space[k] for k in names}
    n = len(history)
    n_below = min(config["gamma"](n), 25)
    ranked = sorted(range(n), key=lambda i: (history[i]["value"], i))
    below = [history[i] for i in sorted(ranked[:n_below])]
    above = [history[i] for i in sorted(ranked[n_below:])]
    return [log_mixture(sub, below, p, config) - log_mixture(sub, above, p, config) for p in points]


def main():
    source = json.load(open(os.path.join(FIXTURES, "tpe_optuna31_scores.json")))
    cases = []
    for case in source["cases"]:
        space = MIXED if case["name"].startswith("mixed") else HARTMANN6
        points = case["joint"]["points"]
        cases.append({"name": case["name"], "points": points, **{k: scores(space, case["history"], points, c) for k, c in CONFIGS.items()}})
    # A history whose two best trials sit within 0.002 of the centre on every axis: Scott's width there is far below the 3 % floor.
    rng = np.random.default_rng(5)
    history = []
    for i in range(30):
        x = {f"x{j}": float(rng.uniform(0, 1)) for j in range(6)}
        value = float(rng.uniform(0, 1))
        if i in (12, 21):
            x = {f"x{j}": 0.5 + float(rng.uniform(-0.001, 0.001)) for j in range(6)}
            value = -1.0 - i / 100
        history.append({"params": x, "value": value})
    points = [{f"x{j}": float(v) for j, v in enumerate(0.5 + rng.normal(0, 0.05, 6))} for _ in range(30)]
    cases.append({"name": "tight-30", "history": history, "points": points, **{k: scores(HARTMANN6, history, points, c) for k, c in CONFIGS.items()}})
    arrays = [[0.5], [0.1, 0.5], [0.2, 0.4, 0.5, 0.9], [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0], [0.0, 0.0, 0.0, 1.0, 2.0]]
    out = {"cases": cases, "scott": [{"values": a, "bandwidth": float(scott(a))} for a in arrays]}
    with open(os.path.join(FIXTURES, "tpe_watanabe_scores.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
