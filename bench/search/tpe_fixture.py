"""Writes tests/Keel.Search.Tests/Fixtures/tpe_optuna31_branin.json: a fixed 30-trial branin history and where Optuna 3.1's
TPESampler (Debian python3-optuna, defaults) puts the next x1 over 2000 seeds (shares of 15 bins of width 1 over [-5, 10]).

    /usr/bin/python3 bench/search/tpe_fixture.py
"""
import json
import math
import random

import numpy as np
import optuna
from optuna.distributions import FloatDistribution

optuna.logging.set_verbosity(optuna.logging.WARNING)


def branin(x1, x2):
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


rng = random.Random(5)
history = []
for _ in range(30):
    x1, x2 = rng.uniform(-5, 10), rng.uniform(0, 15)
    history.append({"x1": x1, "x2": x2, "value": branin(x1, x2)})

space = {"x1": FloatDistribution(-5, 10), "x2": FloatDistribution(0, 15)}
study = optuna.create_study()
for h in history:
    study.add_trial(optuna.trial.create_trial(params={"x1": h["x1"], "x2": h["x2"]}, distributions=space, value=h["value"]))
draws = []
for seed in range(2000):
    trial = study.ask()
    draws.append(optuna.samplers.TPESampler(seed=seed).sample_independent(study, study.trials[-1], "x1", space["x1"]))
    study.tell(trial, state=optuna.trial.TrialState.FAIL)
counts = np.histogram(draws, bins=15, range=(-5, 10))[0]
out = {"optuna": optuna.__version__, "history": history, "bins": [-5 + i for i in range(16)],
       "shares": [c / len(draws) for c in counts.tolist()]}
with open("tests/Keel.Search.Tests/Fixtures/tpe_optuna31_branin.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
