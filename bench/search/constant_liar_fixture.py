"""Writes tests/Keel.Search.Tests/Fixtures/optuna_constant_liar.json: Optuna 3.1's TPESampler(seed, constant_liar=True) (Debian
python3-optuna) when several trials run at once, for Keel's `search.constant_liar` to reproduce bit for bit.

Workers are simulated in one process with ask and tell: the 10 start-up trials run one after another, then up to K trials are in
flight; each asked trial suggests all its parameters at once (as Keel's workers do), and when K are in flight one is told (the
oldest, or one chosen at random) before the next is asked. Each trial is written with its parameters, its value and the trials
still running when it was asked; the test rebuilds the history each trial's sampler saw from that and compares the proposals.
(The start-up trials run one at a time because Keel replays its random streams as if the trials before had finished: the trial
after start-up is TPE's in both only if start-up had finished.)

numpy's AVX-512 exp/log/log1p loops are off, as in the other Optuna fixtures (bench/results.md, "Search", round 6).

    /usr/bin/python3 bench/search/constant_liar_fixture.py
"""
import os

os.environ["NPY_DISABLE_CPU_FEATURES"] = "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"

import json  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import optuna  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optuna_bench  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def simulate(objective, seed, n_trials, window, order, direction):
    study = optuna.create_study(direction=direction, sampler=optuna.samplers.TPESampler(seed=seed, constant_liar=True))
    f = dict(optuna_bench.OBJECTIVES)[objective]
    sign = -1 if direction == "maximize" else 1
    pick = np.random.RandomState(seed + 1000)
    in_flight, trials = [], []
    for n in range(n_trials):
        k = 1 if n <= 10 else window
        while len(in_flight) >= k:
            i = 0 if order == "oldest" else int(pick.randint(len(in_flight)))
            t, v = in_flight.pop(i)
            study.tell(t, v)
        running = sorted(t.number for t, _ in in_flight)
        t = study.ask()
        v = sign * f(t)
        in_flight.append((t, v))
        trials.append({"running": running, "params": {k: t.distributions[k].to_internal_repr(p) for k, p in t.params.items()},
                       "value": v})
    for t, v in in_flight:
        study.tell(t, v)
    return {"objective": objective, "seed": seed, "window": window, "order": order, "direction": direction, "trials": trials}


cases = [simulate("mixed", 3, 40, 4, "oldest", "minimize"),
         simulate("gbmlike", 5, 45, 3, "random", "maximize"),
         simulate("catheavy", 8, 40, 6, "random", "minimize")]
out = {"optuna": optuna.__version__, "numpy": np.__version__, "cases": cases}
with open("tests/Keel.Search.Tests/Fixtures/optuna_constant_liar.json", "w") as fh:
    json.dump(out, fh)
    fh.write("\n")
