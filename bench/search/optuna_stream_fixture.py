"""Writes tests/Keel.Search.Tests/Fixtures/optuna_stream.json: what Keel's `tpe` must reproduce of Optuna 3.1 (Debian
python3-optuna, numpy 1.24, glibc 2.36 on x86-64) bit for bit: numpy's RandomState draws, the arithmetic under Optuna's TPE (glibc's
erf, erfc and log1p, Optuna's numpy erf, numpy's argsort, Optuna's truncated-normal ppf and log mass) and the trials
TPESampler(seed) proposes on two objectives, on one with enqueued trials, and on two multi-objective studies (history and proposals;
the test feeds the history back and compares the proposals).

numpy's AVX-512 exp/log/log1p loops differ from the C library's in the last bit; they are switched off here, as on a CPU without
AVX-512 (bench/results.md, "Search", round 6).

    /usr/bin/python3 bench/search/optuna_stream_fixture.py
"""
import os

os.environ["NPY_DISABLE_CPU_FEATURES"] = "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"

import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import optuna  # noqa: E402
from optuna.samplers._tpe import _erf, _truncnorm  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optuna_bench  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)
gen = np.random.RandomState(2026)

random = []
for seed in [0, 1, 42, 12345, 2**32 - 1]:
    rs = np.random.RandomState(seed)
    p = [0.1, 0.2, 0.3, 0.4]
    random.append({"seed": seed, "random_sample": rs.random_sample(8).tolist(), "uniform": rs.uniform(-3.0, 5.0, 4).tolist(),
                   "choice_p": p, "choice": rs.choice(len(p), 16, p=p).tolist(), "after_700": rs.random_sample(3).tolist()})
    # "after_700": the draws after 700 more (past one 624-word refill of the state).
    rs2 = np.random.RandomState(seed)
    rs2.random_sample(8 + 4 + 16 + 700)
    random[-1]["after_700"] = rs2.random_sample(3).tolist()

xs = np.concatenate([gen.uniform(-7, 7, 120), gen.uniform(-1, 1, 20) * 1e-9, [0.0, 0.84375, -1.25, 2.857142857142857, 6.0, -28.5]])
log1p_xs = np.concatenate([gen.uniform(-0.2929, 0.41422, 80), gen.uniform(-0.999, -0.2929, 30), gen.uniform(0.41422, 50, 30),
                           gen.uniform(-1, 1, 10) * 1e-8, 10 ** gen.uniform(17, 20, 5), [1e-6, -1e-6, 0.0, 3.0]])
argsorts = []
for i in range(30):
    n = int(gen.randint(1, 120))
    v = gen.randint(0, int(gen.randint(1, 12)), n).astype(float) if i % 3 else gen.standard_normal(n)
    argsorts.append({"values": v.tolist(), "order": np.argsort(v).tolist(), "heapsort": np.argsort(v, kind="heapsort").tolist()})
truncs = []
for _ in range(120):
    a = float(gen.uniform(-30, 3))
    b = a + float(gen.exponential(3))
    q = float(gen.uniform())
    truncs.append({"q": q, "a": a, "b": b, "ppf": float(_truncnorm.ppf(np.array([q]), np.array([a]), np.array([b]))[0]),
                   "log_mass": float(_truncnorm._log_gauss_mass(np.array([a]), np.array([b]))[0])})
numerics = {
    "erf": [[float(x), math.erf(x)] for x in xs],
    "erfc": [[float(x), math.erfc(x)] for x in xs],
    "optuna_erf": [[float(x), float(_erf.erf(np.array([x]))[0])] for x in xs],
    "log1p": [[float(x), math.log1p(x)] for x in log1p_xs],
    "argsort": argsorts,
    "truncnorm": truncs,
}

trials = []
for name, seed, n in [("mixed", 0, 40), ("gbmlike", 2, 45)]:
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(dict(optuna_bench.OBJECTIVES)[name], n_trials=n)
    trials.append({"objective": name, "seed": seed, "trials": [
        {"params": {k: t.distributions[k].to_internal_repr(v) for k, v in t.params.items()}, "value": t.value} for t in study.trials]})

# Enqueued trials (study.enqueue_trial): their given parameters take no draws; the rest are sampled. One fully given start-up
# trial, then, after the start-up trials, one that gives only the categorical choice (its conditional parameter is sampled) and
# one that gives two of the numbers.
study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=7))
objective = dict(optuna_bench.OBJECTIVES)["mixed"]
enqueued = {0: {"x": 1.5, "lr": 0.01, "leaves": 31, "booster": "goss"}, 12: {"booster": "dart"}, 13: {"x": -2.0, "lr": 0.3}}
study.enqueue_trial(enqueued[0])
study.optimize(objective, n_trials=12)
study.enqueue_trial(enqueued[12])
study.enqueue_trial(enqueued[13])
study.optimize(objective, n_trials=18)
trials.append({"objective": "mixed", "seed": 7, "enqueued": {str(k): list(v) for k, v in enqueued.items()}, "trials": [
    {"params": {k: t.distributions[k].to_internal_repr(v) for k, v in t.params.items()}, "value": t.value} for t in study.trials]})

# Multi-objective studies (Optuna 3.1's TPESampler on several directions, MOTPE): the good side is the first non-domination
# ranks, the rank that does not fit whole cut by greedy hypervolume subset selection, its Parzen components weighed by each
# trial's hypervolume contribution. Two objectives with many ties (an integer cost), and three with mixed directions.
def mixed_cost(t):
    v = objective(t)
    p = t.params
    return v, round(math.log2(p["leaves"])) + (2 if p["booster"] == "dart" else 0)


def gbm_three(t):
    v = dict(optuna_bench.OBJECTIVES)["gbmlike"](t)
    p = t.params
    return -v, p["depth"] * (1.5 if p["booster"] == "dart" else 1.0), p["subsample"] + 1 / p["lr"] ** 0.25


for name, fn, directions, seed, n in [("mixed", mixed_cost, ["minimize", "minimize"], 11, 40),
                                      ("gbmlike", gbm_three, ["maximize", "minimize", "minimize"], 5, 45)]:
    study = optuna.create_study(directions=directions, sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(fn, n_trials=n)
    trials.append({"objective": name, "seed": seed, "directions": directions, "trials": [
        {"params": {k: t.distributions[k].to_internal_repr(v) for k, v in t.params.items()}, "values": t.values} for t in study.trials]})

# The pieces under multi-objective TPE on their own: WFG hypervolume, non-domination ranks, greedy hypervolume subset selection and
# the hypervolume-contribution weights, on random losses in 2 to 4 objectives (some rounded, so values tie).
from optuna._hypervolume import WFG  # noqa: E402
from optuna._hypervolume.hssp import _solve_hssp  # noqa: E402
from optuna.samplers._tpe.sampler import _calculate_nondomination_rank, _calculate_weights_below_for_multi_objective  # noqa: E402
from optuna.samplers._tpe.sampler import _split_observation_pairs  # noqa: E402

multi = []
for i in range(24):
    d = 2 + i % 3
    n = int(gen.randint(1, 30))
    pts = gen.standard_normal((n, d)) * gen.uniform(0.1, 100)
    if i % 4 == 1:
        pts = np.round(pts)
    worst = pts.max(axis=0)
    ref = np.maximum(1.1 * worst, 0.9 * worst)
    ref[ref == 0] = 1e-12
    n_below = int(gen.randint(1, n + 1))
    below, above = _split_observation_pairs([(-float("inf"), list(p)) for p in pts], n_below, None)
    ranks = _calculate_nondomination_rank(pts)
    last = ranks == ranks[below].max() if n_below else ranks == 0
    k = int(gen.randint(1, last.sum() + 1))
    multi.append({"points": pts.tolist(), "reference": ref.tolist(), "hypervolume": WFG().compute(pts, ref), "ranks": ranks.tolist(),
                  "hssp_size": k, "hssp": _solve_hssp(pts[last], np.nonzero(last)[0], k, ref).tolist(),
                  "n_below": n_below, "below": below.tolist(), "above": above.tolist(),
                  "below_weights": _calculate_weights_below_for_multi_objective([(-float("inf"), list(p)) for p in pts], below, None).tolist()})

out = {"optuna": optuna.__version__, "numpy": np.__version__, "random": random, "numerics": numerics, "tpe": trials, "multi_objective": multi}
with open("tests/Keel.Search.Tests/Fixtures/optuna_stream.json", "w") as f:
    json.dump(out, f)
    f.write("\n")
