#!/usr/bin/python3
"""Reference figures for Keel's A/B statistics (src/Keel.Serving/Rollouts/AbStatistics.cs), from SciPy.

Run: /usr/bin/python3 make_ab_fixtures.py > ab_fixtures.json
- Welch: scipy.stats.ttest_ind(challenger, champion, equal_var=False); the interval uses scipy.stats.t.ppf with the
  Welch-Satterthwaite degrees of freedom (SciPy 1.10 has no confidence_interval on this result).
- Two proportions: the pooled z-test as statsmodels' proportions_ztest computes it, written out with scipy.stats.norm;
  the interval is Wald's (unpooled).
- Sample sizes: the two-proportion formula (Fleiss, no continuity correction) and the two-sample normal formula.
"""
import json
import math
import sys

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20261126)
cases = {"scipy": scipy.__version__, "welch": [], "proportions": [], "sample_size_binary": [], "sample_size_numeric": []}

for name, n1, n2, m1, m2, s1, s2, alpha in [
    ("equal_sizes", 400, 400, 10.0, 10.4, 2.0, 2.5, 0.05),
    ("unequal_sizes", 120, 350, 3.0, 2.7, 1.0, 1.8, 0.05),
    ("no_difference", 800, 800, 0.0, 0.0, 1.0, 1.0, 0.01),
    ("small", 12, 9, 5.0, 7.5, 1.5, 3.0, 0.10),
]:
    a = np.round(rng.normal(m1, s1, n1), 6)
    b = np.round(rng.normal(m2, s2, n2), 6)
    res = stats.ttest_ind(b, a, equal_var=False)
    va, vb = a.var(ddof=1) / n1, b.var(ddof=1) / n2
    df = (va + vb) ** 2 / (va ** 2 / (n1 - 1) + vb ** 2 / (n2 - 1))
    diff = b.mean() - a.mean()
    half = stats.t.ppf(1 - alpha / 2, df) * math.sqrt(va + vb)
    cases["welch"].append({"name": name, "alpha": alpha, "champion": a.tolist(), "challenger": b.tolist(),
                           "difference": diff, "low": diff - half, "high": diff + half,
                           "t": float(res.statistic), "p": float(res.pvalue), "df": df})

for name, x1, n1, x2, n2, alpha in [
    ("lift", 300, 1000, 345, 1000, 0.05),
    ("drop", 520, 2000, 470, 2100, 0.05),
    ("tiny", 3, 40, 9, 38, 0.10),
    ("same", 250, 500, 250, 500, 0.05),
]:
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p = 2 * stats.norm.sf(abs(z))
    half = stats.norm.ppf(1 - alpha / 2) * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    cases["proportions"].append({"name": name, "alpha": alpha, "x1": x1, "n1": n1, "x2": x2, "n2": n2,
                                 "difference": p2 - p1, "low": p2 - p1 - half, "high": p2 - p1 + half, "z": z, "p": p})

for p1, effect, alpha, power in [(0.3, 0.05, 0.05, 0.8), (0.1, 0.02, 0.05, 0.9), (0.5, 0.1, 0.01, 0.8), (0.97, 0.05, 0.05, 0.8)]:
    p2 = p1 + effect if p1 + effect < 1 else p1 - effect
    bar = (p1 + p2) / 2
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    n = (za * math.sqrt(2 * bar * (1 - bar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2
    cases["sample_size_binary"].append({"baseline": p1, "effect": effect, "alpha": alpha, "power": power, "n": math.ceil(n)})

for sd, effect, alpha, power in [(1.0, 0.2, 0.05, 0.8), (12.0, 1.5, 0.05, 0.9), (3.0, 0.5, 0.01, 0.8)]:
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    cases["sample_size_numeric"].append({"sd": sd, "effect": effect, "alpha": alpha, "power": power,
                                         "n": math.ceil(2 * (za + zb) ** 2 * sd ** 2 / effect ** 2)})

json.dump(cases, sys.stdout, indent=1)
sys.stdout.write("\n")
