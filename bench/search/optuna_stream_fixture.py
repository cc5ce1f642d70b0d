"""Writes tests/Keel.Search.Tests/Fixtures/optuna_stream.json: what Keel's `tpe` must reproduce of Optuna 3.1 (Debian
python3-optuna, numpy 1.24, glibc 2.36 on x86-64) bit for bit: numpy's RandomState draws, the arithmetic under Optuna's TPE (glibc's
erf, erfc and log1p, Optuna's numpy erf, numpy's argsort, Optuna's truncated-normal ppf and log mass) and the trials
TPESampler(seed) proposes on two objectives, and on one with enqueued trials (history and proposals; the test feeds the history back
and compares the proposals).

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

out = {"optuna": optuna.__version__, "numpy": np.__version__, "random": random, "numerics": numerics, "tpe": trials}
with open("tests/Keel.Search.Tests/Fixtures/optuna_stream.json", "w") as f:
    json.dump(out, f)
    f.write("\n")
