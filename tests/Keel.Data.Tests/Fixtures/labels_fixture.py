"""Reference figures for Keel's label tests (tests/Keel.Data.Tests/LabelModelTests.cs, AgreementTests.cs).

1. Dawid-Skene EM written out in numpy, independently of Keel, on a seeded vote matrix (40 rows, 4 functions, 3 classes,
   abstentions): start from each row's share of votes, then M-step (Dirichlet pseudo-count 0.5 on every cell of every
   per-class emission table over {abstain, class 0..2}, and on the class prior) and E-step, until the mean log-likelihood
   improves by less than 1e-7 or 200 iterations. Posteriors and prior are written.
2. Cohen's kappa from scikit-learn's cohen_kappa_score on two seeded annotators; Fleiss' kappa from the formula of
   statsmodels.stats.inter_rater.fleiss_kappa (Fleiss 1971; statsmodels is not installed here, so the formula is written out
   as statsmodels writes it) on a seeded rating table, plus the worked example of the Wikipedia article "Fleiss' kappa" (10 subjects, 14 raters, 5 categories; kappa 0.210).
Usage: /usr/bin/python3 labels_fixture.py > labels.json
"""
import json
import numpy as np
from sklearn.metrics import cohen_kappa_score

rng = np.random.default_rng(7)
n, m, k = 40, 4, 3
truth = rng.integers(0, k, n)
acc = [0.9, 0.7, 0.6, 0.5]
cov = [0.8, 0.9, 0.6, 0.7]
votes = np.full((m, n), -1)
for j in range(m):
    for i in range(n):
        if rng.random() < cov[j]:
            votes[j, i] = truth[i] if rng.random() < acc[j] else (truth[i] + rng.integers(1, k)) % k

alpha = 0.5
q = np.zeros((n, k))
for i in range(n):
    c = np.array([np.sum(votes[:, i] == y) for y in range(k)], float)
    q[i] = c / c.sum() if c.sum() > 0 else np.full(k, 1.0 / k)
prev = -np.inf
for it in range(200):
    mass = q.sum(0)
    prior = (mass + alpha) / (n + k * alpha)
    tables = np.zeros((m, k, k + 1))
    for j in range(m):
        for y in range(k):
            for s in range(k + 1):
                tables[j, y, s] = (alpha + q[votes[j] + 1 == s, y].sum()) / (mass[y] + alpha * (k + 1))
    logp = np.log(prior)[None, :].repeat(n, 0)
    for j in range(m):
        logp += np.log(tables[j][:, votes[j] + 1]).T
    mx = logp.max(1, keepdims=True)
    z = np.exp(logp - mx).sum(1, keepdims=True)
    q = np.exp(logp - mx) / z
    ll = float((mx + np.log(z)).mean())
    if ll - prev < 1e-7:
        break
    prev = ll

a = rng.integers(0, 3, 60)
b = np.where(rng.random(60) < 0.7, a, rng.integers(0, 3, 60))


def fleiss(table):
    # statsmodels.stats.inter_rater.fleiss_kappa(table, method='fleiss')
    table = np.asarray(table, float)
    n_sub, _ = table.shape
    n_rat = table.sum(1).max()
    p_cat = table.sum(0) / (n_sub * n_rat)
    p_rat = ((table * table).sum(1) - n_rat) / (n_rat * (n_rat - 1.0))
    p_mean = p_rat.mean()
    p_exp = (p_cat * p_cat).sum()
    return float((p_mean - p_exp) / (1 - p_exp))


ratings = np.where(rng.random((30, 5)) < 0.6, rng.integers(0, 3, 30)[:, None], rng.integers(0, 3, (30, 5)))
counts = np.array([[np.sum(r == c) for c in range(3)] for r in ratings])
fleiss_1971 = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1], [7, 7, 0, 0, 0],
               [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
print(json.dumps({
    "dawid_skene": {"classes": k, "votes": votes.tolist(), "iterations": it + 1, "prior": prior.tolist(), "posterior": q.tolist()},
    "cohen": {"a": a.tolist(), "b": b.tolist(), "kappa": float(cohen_kappa_score(a, b))},
    "fleiss": {"ratings": ratings.tolist(), "kappa": fleiss(counts)},
    "fleiss_1971": {"counts": fleiss_1971, "kappa": fleiss(fleiss_1971)},
}, indent=1))
