"""Applies bench/search/round5-rule.md to JSON lines of TpeBench and optuna_bench.py and prints the tables of bench/results.md.

    /usr/bin/python3 bench/search/round5.py choose FILE...   # rank the candidates on the tuning objectives, seeds 100-199
    /usr/bin/python3 bench/search/round5.py adopt W FILE...  # the adoption test of candidate W against tpe, seeds 100-199
    /usr/bin/python3 bench/search/round5.py choose2 FILE... / adopt2 W FILE...   # the same under the second rule
    /usr/bin/python3 bench/search/round5.py adopt3 FILE...   # the third rule's test of R against tpe
    /usr/bin/python3 bench/search/round5.py table FILE...    # mean ± standard error (seeds) per objective, budget, sampler: R, tpe, Optuna
    /usr/bin/python3 bench/search/round5.py seeds04 FILE...  # seeds 0-4: mean best and seeds at least as good as Optuna tpe
"""
import json
import math
import statistics
import sys
from collections import defaultdict

TUNING = ["mixed", "branin", "hartmann6"]
HELD_OUT = ["rosen4log", "catheavy", "styblinski5"]
CANDIDATES = ["W1", "W2", "W3", "W4"]
# The second rule: the six objectives above tune, three new ones are held out on new seeds.
TUNING2 = TUNING + HELD_OUT
HELD_OUT2 = ["gbmlike", "levy6", "sixhump"]
CANDIDATES2 = ["W4", "V1", "V2", "V3"]


def load(files):
    runs = defaultdict(dict)  # (impl, objective, budget, sampler) -> {seed: best}
    for f in files:
        for line in open(f):
            if line.startswith("{"):
                r = json.loads(line)
                runs[(r["impl"].split()[0], r["objective"], r["budget"], r["sampler"])][r["seed"]] = r["best"]
    return runs


def seeds(d, lo, hi):
    return {s: v for s, v in d.items() if lo <= s <= hi}


def mean_se(values):
    v = list(values)
    return statistics.mean(v), (statistics.stdev(v) / math.sqrt(len(v)) if len(v) > 1 else float("nan")), len(v)


def paired(a, b):
    """Mean and standard error of a - b over the seeds both have."""
    common = sorted(set(a) & set(b))
    return mean_se(a[s] - b[s] for s in common)


def choose(runs, tuning=TUNING, candidates=CANDIDATES):
    samplers = ["tpe", "tpe-mv"] + candidates
    ranks = defaultdict(list)
    z = defaultdict(list)
    print("| objective | trials | " + " | ".join(samplers) + " |")
    print("|---|---|" + "---|" * len(samplers))
    for obj in tuning:
        for budget in (50, 100):
            means = {s: statistics.mean(seeds(runs[("keel", obj, budget, s)], 100, 199).values()) for s in samplers}
            tpe = list(seeds(runs[("keel", obj, budget, "tpe")], 100, 199).values())
            for r, s in enumerate(sorted(samplers, key=lambda s: means[s]), 1):
                ranks[s].append(r)
                z[s].append((means[s] - statistics.mean(tpe)) / statistics.stdev(tpe))
            print(f"| {obj} | {budget} | " + " | ".join(f"{means[s]:.4f}" for s in samplers) + " |")
    print("| mean rank | | " + " | ".join(f"{statistics.mean(ranks[s]):.2f}" for s in samplers) + " |")
    chosen = min(candidates, key=lambda s: (statistics.mean(ranks[s]), statistics.mean(z[s])))
    print(f"\nchosen: {chosen}")


def adopt(runs, w, tuning=TUNING, held_out=HELD_OUT, held_seeds=(100, 199)):
    better = 0
    worst_ok = True
    print("| objective | trials | " + w + " − tpe (paired) | better? | worse by > 2 SE? |")
    print("|---|---|---|---|---|")
    for obj in tuning + held_out:
        for budget in (50, 100):
            lo, hi = held_seeds if obj in held_out else (100, 199)
            m, se, n = paired(seeds(runs[("keel", obj, budget, w)], lo, hi), seeds(runs[("keel", obj, budget, "tpe")], lo, hi))
            worse = m > 2 * se
            worst_ok &= not worse
            if obj in held_out and m < 0:
                better += 1
            print(f"| {obj}{f' (held out, seeds {lo}–{hi})' if obj in held_out else ''} | {budget} | {m:+.4f} ± {se:.4f} ({n}) | {'yes' if m < 0 else 'no'} | {'YES' if worse else 'no'} |")
    print(f"\nbetter in {better}/6 held-out cells; no cell worse by > 2 SE: {worst_ok}; adopted: {better >= 4 and worst_ok}")


def adopt3(runs):
    better = 0
    ok = True
    print("| objective | seeds | trials | R − tpe (paired) | worse by > 2 SE? |")
    print("|---|---|---|---|---|")
    cells = [(o, (100, 199)) for o in TUNING2] + [("gbmlike", (200, 299))] + [(o, (300, 399)) for o in ["levy6", "sixhump", "svmlike"]]
    for obj, (lo, hi) in cells:
        for budget in (50, 100):
            m, se, n = paired(seeds(runs[("keel", obj, budget, "R")], lo, hi), seeds(runs[("keel", obj, budget, "tpe")], lo, hi))
            worse = m > 2 * se
            ok &= not worse
            if lo == 300 and m < 0:
                better += 1
            print(f"| {obj}{' (held out)' if lo == 300 else ''} | {lo}–{hi} | {budget} | {m:+.4f} ± {se:.4f} ({n}) | {'YES' if worse else 'no'} |")
    print(f"\nbetter in {better}/6 held-out cells; no cell worse by > 2 SE: {ok}; adopted: {better >= 4 and ok}")


# Keel's seeds per objective in the final tables: each objective on the seeds its rule used.
KEEL_SEEDS = {**{o: (100, 199) for o in TUNING2}, "gbmlike": (200, 299), "levy6": (300, 399), "sixhump": (300, 399), "svmlike": (300, 399)}
ALL = TUNING2 + ["gbmlike", "levy6", "sixhump", "svmlike"]
FINAL = [("keel", "R"), ("keel", "tpe"), ("keel", "tpe-mv"), ("optuna", "tpe"), ("optuna", "tpe-mv")]


# Optuna 3.1 over seeds 0-99 (0-59 at 100 trials) from round 3 (bench/results.md), for the objectives it did not rerun here.
ROUND3_OPTUNA = {("mixed", 50, "tpe"): "0.346 ± 0.033 (100, seeds 0–99)", ("mixed", 100, "tpe"): "0.072 ± 0.017 (60, seeds 0–59)",
                 ("branin", 50, "tpe"): "0.648 ± 0.026 (100, seeds 0–99)", ("branin", 100, "tpe"): "0.438 ± 0.005 (60, seeds 0–59)",
                 ("hartmann6", 50, "tpe"): "-2.621 ± 0.047 (100, seeds 0–99)", ("hartmann6", 100, "tpe"): "-3.041 ± 0.038 (60, seeds 0–59)",
                 ("mixed", 50, "tpe-mv"): "0.208 ± 0.022 (100, seeds 0–99)", ("mixed", 100, "tpe-mv"): "0.055 ± 0.006 (60, seeds 0–59)",
                 ("branin", 50, "tpe-mv"): "0.677 ± 0.032 (100, seeds 0–99)", ("branin", 100, "tpe-mv"): "0.511 ± 0.014 (60, seeds 0–59)",
                 ("hartmann6", 50, "tpe-mv"): "-2.854 ± 0.028 (100, seeds 0–99)", ("hartmann6", 100, "tpe-mv"): "-3.086 ± 0.014 (60, seeds 0–59)"}


def table(runs):
    """Mean best ± standard error (seeds): Keel on KEEL_SEEDS, Optuna on every seed from 100 on that was run."""
    print("| objective | trials | " + " | ".join(f"{i} {s}" for i, s in FINAL) + " |")
    print("|---|---|" + "---|" * len(FINAL))
    for obj in ALL:
        for budget in (50, 100):
            cells = []
            for impl, sampler in FINAL:
                lo, hi = KEEL_SEEDS[obj] if impl == "keel" else (100, 10**9)
                d = seeds(runs.get((impl, obj, budget, sampler), {}), lo, hi)
                cells.append("{:.3f} ± {:.3f} ({})".format(*mean_se(d.values())) if len(d) > 1 else ROUND3_OPTUNA.get((obj, budget, sampler), "")
                             if impl == "optuna" else "")
            print(f"| {obj} | {budget} | " + " | ".join(cells) + " |")


def seeds04(runs):
    print("| objective | trials | " + " | ".join(f"{i} {s}" for i, s in FINAL) + " | R seeds ≤ Optuna tpe | Keel tpe seeds ≤ Optuna tpe |")
    print("|---|---|" + "---|" * (len(FINAL) + 2))
    for obj in ALL:
        for budget in (50, 100):
            d = {c: seeds(runs.get((c[0], obj, budget, c[1]), {}), 0, 4) for c in FINAL}
            o = d[("optuna", "tpe")]
            wins = [f"{sum(k[s] <= o[s] for s in k if s in o)}/{len(k)}" for k in (d[("keel", "R")], d[("keel", "tpe")])]
            print(f"| {obj} | {budget} | " + " | ".join(f"{statistics.mean(v.values()):.4f}" if v else "" for v in d.values()) + " | "
                  + " | ".join(wins) + " |")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "choose":
        choose(load(sys.argv[2:]))
    elif cmd == "adopt":
        adopt(load(sys.argv[3:]), sys.argv[2])
    elif cmd == "choose2":
        choose(load(sys.argv[2:]), TUNING2, CANDIDATES2)
    elif cmd == "adopt2":
        adopt(load(sys.argv[3:]), sys.argv[2], TUNING2, HELD_OUT2, (200, 299))
    elif cmd == "table":
        table(load(sys.argv[2:]))
    elif cmd == "adopt3":
        adopt3(load(sys.argv[2:]))
    elif cmd == "seeds04":
        seeds04(load(sys.argv[2:]))
