"""Writes tests/Keel.Search.Tests/Fixtures/tpe_recommended_scores.json: the joint TPE acquisition log l(x) - log g(x) of Keel's
recommended options (TpeSamplerOptions.Recommended: Watanabe 2023's components, candidate W4 of round5-rule.md), computed here from scratch with numpy/scipy,
independently of Keel's code, on the fixed histories and points of tpe_optuna31_scores.json (hartmann6 with 60 and 300 trials,
the mixed space with 40) and on "tight-30" (its history stored here: the best two of 30 trials in 6-D within 0.002 of the
centre, so the smallest width binds), and Scott's rule on a few arrays.

Components, as bench/search/round5-rule.md lists them: multivariate (one component per trial and the prior, shared weights);
the best ceil(0.25 sqrt(n)) trials (at most 25) are "below", by loss then trial number; uniform weights, prior weight 1;
per numeric parameter in internal space (log for log floats, log of bounds widened by 1/2 for log integers) every component's
width is Scott's rule over the observations and the prior's centre, 1.059 min(IQR / 1.34, sd) m^(-1/5) (numpy's std with
ddof 1 and linear percentiles), clipped to [0.03 range, range], the prior's the range; normalised truncated-normal densities;
categoricals by Aitchison-Aitken kernels (0.8 on the observed choice, 0.2 shared by the others; the prior uniform).

    /usr/bin/python3 bench/search/tpe_recommended_fixture.py
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


def log_mixture(space, trials, x):
    m = len(trials)
    logw = np.log(np.full(m + 1, 1.0 / (m + 1)))
    terms = logw.copy()
    for name, spec in space.items():
        if spec[0] == "cat":
            k = spec[1]
            rows = np.full((m + 1, k), 0.2 / (k - 1))
            for i, t in enumerate(trials):
                rows[i, int(t["params"][name])] = 0.8
            rows[m] = 1.0 / k
            terms += np.log(rows[:, int(x[name])])
            continue
        _, low, high, log = spec
        obs = [math.log(t["params"][name]) if log else t["params"][name] for t in trials]
        mus = np.asarray(obs + [0.5 * (low + high)])
        rng = high - low
        sig = np.clip(np.full(m + 1, scott(mus)), 0.03 * rng, rng)
        sig[-1] = rng
        v = math.log(x[name]) if log else x[name]
        mass = norm.cdf((high - mus) / sig) - norm.cdf((low - mus) / sig)
        terms += norm.logpdf((v - mus) / sig) - np.log(sig) - np.log(mass)
    return logsumexp(terms)


def scores(space, history, points):
    names = [k for k in space if all(k in h["params"] for h in history)]
    sub = {k: space[k] for k in names}
    n = len(history)
    n_below = min(math.ceil(0.25 * math.sqrt(n)), 25)
    ranked = sorted(range(n), key=lambda i: (history[i]["value"], i))
    below = [history[i] for i in sorted(ranked[:n_below])]
    above = [history[i] for i in sorted(ranked[n_below:])]
    return [log_mixture(sub, below, p) - log_mixture(sub, above, p) for p in points]


def main():
    source = json.load(open(os.path.join(FIXTURES, "tpe_optuna31_scores.json")))
    cases = []
    for case in source["cases"]:
        space = MIXED if case["name"].startswith("mixed") else HARTMANN6
        points = case["joint"]["points"]
        cases.append({"name": case["name"], "points": points, "scores": scores(space, case["history"], points)})
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
    cases.append({"name": "tight-30", "history": history, "points": points, "scores": scores(HARTMANN6, history, points)})
    arrays = [[0.5], [0.1, 0.5], [0.2, 0.4, 0.5, 0.9], [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0], [0.0, 0.0, 0.0, 1.0, 2.0]]
    out = {"cases": cases, "scott": [{"values": a, "bandwidth": float(scott(a))} for a in arrays]}
    with open(os.path.join(FIXTURES, "tpe_recommended_scores.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
