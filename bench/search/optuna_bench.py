"""Optuna 3.1 (Debian python3-optuna) on the objectives of TpeBench/Program.cs, written identically (the same operations in the
same order, so that both compute the same doubles from the same parameters); one JSON line per run.

    /usr/bin/python3 bench/search/optuna_bench.py 50,100 0,1,2,3,4 [mixed,branin,hartmann6,...] [tpe,tpe-mv,nsga2,random]

Objectives: mixed, branin, hartmann6 (used to tune Keel's samplers) and rosen4log, catheavy, styblinski5 (added in round 5,
held out by round 5's first rule) and gbmlike (held out by its second rule), levy6, sixhump and svmlike (held out by its third; bench/search/round5-rule.md).
"""
import json
import warnings
import math
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def mixed(t):
    x = t.suggest_float("x", -5, 5)
    lr = t.suggest_float("lr", 1e-4, 1, log=True)
    leaves = t.suggest_int("leaves", 2, 256, log=True)
    booster = t.suggest_categorical("booster", ["gbdt", "dart", "goss"])
    v = (x - 1.5) ** 2 + (math.log10(lr) + 2) ** 2 + math.log2(leaves / 31) ** 2 / 4
    if booster == "dart":
        drop = t.suggest_float("drop", 0, 0.5)
        return v + (0.5 + 4 * (drop - 0.1) ** 2)
    return v + (0 if booster == "goss" else 1)


def branin(t):
    x1 = t.suggest_float("x1", -5, 10)
    x2 = t.suggest_float("x2", 0, 15)
    b = 5.1 / (4 * math.pi * math.pi)
    c = 5 / math.pi
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def hartmann6(t):
    x = [t.suggest_float(f"x{j}", 0, 1) for j in range(6)]
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j]) ** 2 for j in range(6))) for i in range(4))


def rosen4log(t):
    x = [t.suggest_float(f"x{j}", -2.048, 2.048) for j in range(4)]
    return math.log(1 + sum(100 * (x[i + 1] - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2 for i in range(3)))


def catheavy(t):
    a = ["p", "q", "r", "s"].index(t.suggest_categorical("a", ["p", "q", "r", "s"]))
    b = ["u", "v", "w"].index(t.suggest_categorical("b", ["u", "v", "w"]))
    depth = t.suggest_int("depth", 1, 10)
    lr = t.suggest_float("lr", 1e-3, 1, log=True)
    kind = t.suggest_categorical("kind", ["lin", "tree", "knn"])
    v = [0.6, 0.3, 0, 0.9][a] + (0 if b == 1 else 0.4) + (depth - 7) ** 2 / 20 + (math.log10(lr) + 1.5) ** 2 / 2
    if kind == "tree":
        leaves = t.suggest_int("leaves", 2, 128, log=True)
        return v + (math.log2(leaves) - 5) ** 2 / 8
    if kind == "knn":
        k = t.suggest_float("k", 0, 1)
        return v + (0.3 + 2 * (k - 0.7) ** 2)
    return v + 0.8


def styblinski5(t):
    x = [t.suggest_float(f"x{j}", -5, 5) for j in range(5)]
    return 0.5 * sum(xi ** 4 - 16 * xi ** 2 + 5 * xi for xi in x)


def gbmlike(t):
    lr = t.suggest_float("lr", 1e-3, 1, log=True)
    depth = t.suggest_int("depth", 2, 12)
    min_child = t.suggest_int("min_child", 1, 100, log=True)
    subsample = t.suggest_float("subsample", 0.5, 1)
    colsample = t.suggest_float("colsample", 0.3, 1)
    booster = ["gbtree", "dart", "gblinear"].index(t.suggest_categorical("booster", ["gbtree", "dart", "gblinear"]))
    v = (math.log10(lr) + 2 - depth / 6) ** 2 + (depth - 6) ** 2 / 30 + (math.log10(min_child) - 1) ** 2 / 2 \
        + 2 * (subsample - 0.8) ** 2 + 2 * (colsample - 0.6) ** 2
    if booster == 1:
        return v + 4 * (t.suggest_float("rate_drop", 0, 0.5) - 0.1) ** 2
    if booster == 2:
        return v + (0.5 + math.log10(t.suggest_float("alpha", 1e-3, 10, log=True)) ** 2 / 4)
    return v + 0.1


def levy6(t):
    w = [1 + (t.suggest_float(f"x{j}", -10, 10) - 1) / 4 for j in range(6)]
    return math.sin(math.pi * w[0]) ** 2 + sum((w[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * w[i] + 1) ** 2) for i in range(5)) \
        + (w[5] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[5]) ** 2)


def sixhump(t):
    x1 = t.suggest_float("x1", -3, 3)
    x2 = t.suggest_float("x2", -2, 2)
    return (4 - 2.1 * x1 * x1 + x1 ** 4 / 3) * x1 * x1 + x1 * x2 + (-4 + 4 * x2 * x2) * x2 * x2


def svmlike(t):
    u = math.log10(t.suggest_float("C", 1e-3, 1e3, log=True))
    v = math.log10(t.suggest_float("gamma", 1e-4, 10, log=True))
    kernel = ["rbf", "poly", "linear"].index(t.suggest_categorical("kernel", ["rbf", "poly", "linear"]))
    if kernel == 0:
        return (u + v - 1) ** 2 + 0.05 * (u - 1.5) ** 2
    if kernel == 1:
        return 0.2 + (u + v - 0.5) ** 2 + 0.05 * (u - 1) ** 2 + 0.1 * (t.suggest_int("degree", 2, 5) - 3) ** 2
    return 0.4 + 0.1 * u * u


OBJECTIVES = [("mixed", mixed), ("branin", branin), ("hartmann6", hartmann6), ("rosen4log", rosen4log), ("catheavy", catheavy),
              ("styblinski5", styblinski5), ("gbmlike", gbmlike), ("levy6", levy6), ("sixhump", sixhump), ("svmlike", svmlike)]


def run(study, f, n_trials, window):
    """study.optimize(f, n_trials), or with window K > 1 K workers simulated as TpeBench does: after the 10 start-up trials have run
    one after another, K trials are in flight (each suggests its parameters when asked) and the oldest is told before the next is
    asked."""
    if window <= 1:
        study.optimize(f, n_trials=n_trials)
        return
    in_flight = []
    for n in range(n_trials):
        while len(in_flight) >= (1 if n <= 10 else window):
            study.tell(*in_flight.pop(0))
        t = study.ask()
        in_flight.append((t, f(t)))
    for t, v in in_flight:
        study.tell(t, v)


def main():
    # "50,100": one run of the largest budget per seed, the best so far reported at each (a sampler's first 50 trials do not
    # depend on how many follow). "window=K" anywhere: K simulated workers (see run); samplers tpe-liar and tpe-mv-liar add
    # constant_liar=True.
    window = int(next((a for a in sys.argv if a.startswith("window=")), "window=1")[len("window="):])
    sys.argv = [a for a in sys.argv if not a.startswith("window=")]
    budgets = sorted(int(b) for b in (sys.argv[1] if len(sys.argv) > 1 else "100").split(","))
    seeds = [int(s) for s in (sys.argv[2] if len(sys.argv) > 2 else "0,1,2,3,4").split(",")]
    names = (sys.argv[3] if len(sys.argv) > 3 else "mixed,branin,hartmann6").split(",")
    samplers = (sys.argv[4] if len(sys.argv) > 4 else "tpe,random").split(",")
    # A fifth argument "trace" prints every trial's parameters (categoricals as the choice's index) and value.
    trace = len(sys.argv) > 5 and sys.argv[5] == "trace"
    for name, f in OBJECTIVES:
        if name not in names:
            continue
        for sampler in samplers:
            for seed in seeds:
                if sampler in ("tpe-mv", "tpe-mv-liar"):
                    s = optuna.samplers.TPESampler(seed=seed, multivariate=True, warn_independent_sampling=False,
                                                   constant_liar=sampler.endswith("liar"))
                elif sampler == "tpe-liar":
                    s = optuna.samplers.TPESampler(seed=seed, constant_liar=True)
                elif sampler == "nsga2":
                    s = optuna.samplers.NSGAIISampler(seed=seed, population_size=10)
                elif sampler == "tpe":
                    s = optuna.samplers.TPESampler(seed=seed)
                else:
                    s = optuna.samplers.RandomSampler(seed=seed)
                study = optuna.create_study(sampler=s)
                start = time.perf_counter()
                run(study, f, budgets[-1], window)
                ms = (time.perf_counter() - start) * 1000 / budgets[-1]
                values = [t.value for t in study.trials]
                if trace:
                    for t in study.trials:
                        params = {k: t.distributions[k].to_internal_repr(v) for k, v in t.params.items()}
                        print(json.dumps({"impl": "optuna " + optuna.__version__, "objective": name, "sampler": sampler, "seed": seed,
                                          "trial": t.number, "params": params, "value": t.value}), flush=True)
                    continue
                for budget in budgets:
                    print(json.dumps({"impl": "optuna " + optuna.__version__, "objective": name, "sampler": sampler, "window": window, "seed": seed,
                                      "budget": budget, "best": min(values[:budget]), "ms_per_trial": round(ms, 3)}), flush=True)


if __name__ == "__main__":
    main()
