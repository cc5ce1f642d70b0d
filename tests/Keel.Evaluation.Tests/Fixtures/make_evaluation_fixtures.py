#!/usr/bin/python3
"""Writes evaluation_fixtures.json: inputs and reference figures for Keel.Evaluation's bootstrap, significance tests, calibration,
slicing, fairness audit and split conformal prediction.

Run with Debian's scikit-learn 1.2.1 / SciPy 1.10 / pandas 1.5: /usr/bin/python3 make_evaluation_fixtures.py (from this folder).
DeLong's test and Fairlearn's summaries are written out below from their definitions (neither package is a Debian package);
everything else calls scikit-learn, SciPy or pandas.
"""
import json
import math

import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy import stats
from sklearn import metrics as M
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV, calibration_curve

from splitmix64 import SplitMix64

rng = np.random.RandomState(20261107)


def fl(a):
    return [float(x) for x in np.asarray(a, dtype=float).ravel()]


def binary_metrics(y, p1):
    """Keel's binary metric set (sklearn 1.2); undefined ones left out."""
    proba = np.column_stack([1 - p1, p1])
    pred = np.argmax(proba, axis=1)
    m = {
        "accuracy": M.accuracy_score(y, pred),
        "precision": M.precision_score(y, pred, zero_division=0),
        "recall": M.recall_score(y, pred, zero_division=0),
        "f1": M.f1_score(y, pred, zero_division=0),
        "log_loss": M.log_loss(y, proba, labels=[0, 1]),
        "brier": M.brier_score_loss(y, p1, pos_label=1) if len(np.unique(y)) > 1 else float(np.mean((y - p1) ** 2)),
        "balanced_accuracy": M.balanced_accuracy_score(y, pred),
    }
    # Per-class recall over unique_labels(y, pred) (the tests name the classes neg and pos).
    labels = sorted(set(int(v) for v in y) | set(int(v) for v in pred))
    for c, r in zip(labels, M.recall_score(y, pred, labels=labels, average=None, zero_division=0)):
        m["recall." + ["neg", "pos"][c]] = float(r)
    if 0 < y.sum() < len(y):
        m["auc"] = M.roc_auc_score(y, p1)
        m["pr_auc"] = M.average_precision_score(y, p1)
    return m


def regression_metrics(y, p):
    m = {"rmse": math.sqrt(M.mean_squared_error(y, p)), "mae": M.mean_absolute_error(y, p), "r2": M.r2_score(y, p)}
    if not np.any(y == 0):
        m["mape"] = M.mean_absolute_percentage_error(y, p)
    return m


def percentile_interval(values, confidence):
    tail = (1 - confidence) / 2
    return [float(np.percentile(values, tail * 100)), float(np.percentile(values, (1 - tail) * 100))]


def bootstrap(metric_fn, n, seed, resamples, confidence):
    """Percentile bootstrap of every metric: resamples where a metric is undefined are skipped for that metric."""
    estimate = metric_fn(np.arange(n))
    samples = {k: [] for k in estimate}
    stream = SplitMix64(seed)
    rows = np.arange(n)
    for _ in range(resamples):
        m = metric_fn(stream.resample(rows))
        for k in samples:
            if k in m and not math.isnan(m[k]):
                samples[k].append(m[k])
    return {k: {"estimate": estimate[k], "interval": percentile_interval(v, confidence), "resamples": len(v)} for k, v in samples.items()}


def delong(y, a, b):
    """DeLong, DeLong and Clarke-Pearson (1988), written out with the direct O(m n) kernel psi (1 if x > y, 1/2 if equal)."""
    pos, neg = y == 1, y == 0
    m, n = pos.sum(), neg.sum()

    def components(s):
        x, z = s[pos][:, None], s[neg][None, :]
        psi = (x > z) + 0.5 * (x == z)
        return psi.mean(), psi.mean(axis=1), psi.mean(axis=0)

    auc_a, v10a, v01a = components(a)
    auc_b, v10b, v01b = components(b)
    s10 = np.cov(np.vstack([v10a, v10b]))
    s01 = np.cov(np.vstack([v01a, v01b]))
    var = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / m + (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / n
    z = (auc_a - auc_b) / math.sqrt(var)
    return {"auc_a": auc_a, "auc_b": auc_b, "difference": auc_a - auc_b, "std_error": math.sqrt(var), "p_value": 2 * stats.norm.sf(abs(z))}


def mcnemar(b, c):
    """Exact binomial below 25 discordant rows, else chi-square with continuity correction (statsmodels' two variants)."""
    if b + c < 25:
        return {"b": b, "c": c, "method": "mcnemar_exact", "p_value": 1.0 if b + c == 0 else stats.binomtest(min(b, c), b + c, 0.5).pvalue}
    stat = (abs(b - c) - 1) ** 2 / (b + c)
    return {"b": b, "c": c, "method": "mcnemar_chi2_cc", "p_value": stats.chi2.sf(stat, 1)}


class Prefit(ClassifierMixin, BaseEstimator):
    """A 'model' whose positive-class probability is its input column, so CalibratedClassifierCV(cv='prefit') calibrates given scores."""

    def __init__(self):
        self.classes_ = np.array([0, 1])

    def fit(self, X, y):
        return self

    def predict_proba(self, X):
        p = np.asarray(X)[:, 0]
        return np.column_stack([1 - p, p])


def platt_exact(y, f):
    """The minimum of Platt's objective (sklearn's _sigmoid_calibration) by Newton's method, to machine precision."""
    prior1 = float(np.sum(y > 0)); prior0 = len(y) - prior1
    t = np.where(y > 0, (prior1 + 1) / (prior1 + 2), 1 / (prior0 + 2))
    ab = np.array([0.0, math.log((prior0 + 1) / (prior1 + 1))])
    for _ in range(100):
        p = 1 / (1 + np.exp(ab[0] * f + ab[1]))
        r = t - p
        w = p * (1 - p)
        g = np.array([r @ f, r.sum()])
        h = np.array([[w @ (f * f), w @ f], [w @ f, w.sum()]])
        step = np.linalg.solve(h, g)
        ab = ab - step
        if np.all(np.abs(step) < 1e-15 * np.maximum(1, np.abs(ab))):
            break
    return ab


def fairlearn_summaries(y, yhat, groups):
    """Fairlearn's selection_rate, true/false positive rate and precision per group; demographic_parity_difference / _ratio and
    equalized_odds_difference as max - min (ratio min / max) between groups. A rate a group cannot define is left out."""
    rows = []
    for g in sorted(set(groups)):
        s = groups == g
        tp = np.sum((y == 1) & (yhat == 1) & s); fn = np.sum((y == 1) & (yhat == 0) & s)
        fp = np.sum((y == 0) & (yhat == 1) & s); tn = np.sum((y == 0) & (yhat == 0) & s)
        d = lambda a, b: a / b if b else float("nan")
        rows.append({"group": g, "rows": int(s.sum()), "selection_rate": d(tp + fp, s.sum()), "tpr": d(tp, tp + fn), "fpr": d(fp, fp + tn),
                     "precision": d(tp, tp + fp)})
    rng_ = lambda k: [r[k] for r in rows if not math.isnan(r[k])]
    sel, tpr, fpr = rng_("selection_rate"), rng_("tpr"), rng_("fpr")
    return rows, {
        "demographic_parity_difference": max(sel) - min(sel),
        "demographic_parity_ratio": min(sel) / max(sel),
        "equalized_odds_difference": max(max(tpr) - min(tpr), max(fpr) - min(fpr)),
    }


def conformal_threshold(scores, coverage):
    n = len(scores)
    k = math.ceil((n + 1) * coverage - 1e-9)
    return float("inf") if k > n else float(np.sort(scores)[k - 1])


out = {"generator": "make_evaluation_fixtures.py", "sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__,
       "pandas": pd.__version__}

# A binary case with ties and a second, correlated model on the same rows.
n = 160
y = (rng.rand(n) < 0.4).astype(int)
p_a = np.round(np.clip(0.25 + 0.35 * y + rng.normal(0, 0.22, n), 0.001, 0.999), 2)
p_b = np.round(np.clip(0.8 * p_a + 0.1 + rng.normal(0, 0.12, n), 0.001, 0.999), 2)
seed, resamples, confidence = 7, 200, 0.95
out["binary"] = {"y": [int(v) for v in y], "p_a": fl(p_a), "p_b": fl(p_b), "seed": seed, "resamples": resamples, "confidence": confidence,
                 "bootstrap": bootstrap(lambda r: binary_metrics(y[r], p_a[r]), n, seed, resamples, confidence)}

# Paired bootstrap of f1 (a - b) on the same resamples.
stream = SplitMix64(seed)
diffs = []
for _ in range(resamples):
    r = stream.resample(np.arange(n))
    diffs.append(binary_metrics(y[r], p_a[r])["f1"] - binary_metrics(y[r], p_b[r])["f1"])
diffs = np.array(diffs)
out["binary"]["paired_f1"] = {"difference": binary_metrics(y, p_a)["f1"] - binary_metrics(y, p_b)["f1"],
                              "interval": percentile_interval(diffs, confidence),
                              "p_value": min(1.0, 2 * min(np.mean(diffs <= 0), np.mean(diffs >= 0)))}
out["binary"]["delong"] = delong(y, p_a, p_b)

# Regression bootstrap.
xr = rng.normal(10, 3, 120)
yr = xr + rng.normal(0, 1.5, 120)
pr = xr + rng.normal(0, 0.5, 120)
out["regression"] = {"y": fl(yr), "p": fl(pr), "seed": 11, "resamples": 150, "confidence": 0.9,
                     "bootstrap": bootstrap(lambda r: regression_metrics(yr[r], pr[r]), 120, 11, 150, 0.9)}

out["mcnemar"] = [mcnemar(b, c) for b, c in [(0, 0), (3, 9), (12, 12), (5, 19), (40, 22), (100, 130), (30, 3)]]

# Calibration: fit on one half of the binary case, apply to the other; reliability curves on the whole.
fit_rows, apply_rows = np.arange(0, 100), np.arange(100, n)
cal = {"fit_rows": [int(v) for v in fit_rows], "apply_rows": [int(v) for v in apply_rows]}
for method in ["sigmoid", "isotonic"]:
    c = CalibratedClassifierCV(Prefit(), method=method, cv="prefit").fit(p_a[fit_rows, None], y[fit_rows])
    cal[method] = fl(c.predict_proba(p_a[apply_rows, None])[:, 1])
a, b = platt_exact(y[fit_rows], p_a[fit_rows])
cal["sigmoid_exact"] = fl(1 / (1 + np.exp(a * p_a[apply_rows] + b)))
cal["sigmoid_ab"] = [float(a), float(b)]
for strategy in ["uniform", "quantile"]:
    prob_true, prob_pred = calibration_curve(y, p_a, n_bins=10, strategy=strategy)
    cal[strategy] = {"fraction_positive": fl(prob_true), "mean_predicted": fl(prob_pred)}
# Expected calibration error, written out: uniform bins as calibration_curve, |fraction positive - mean predicted| weighted by rows.
edges = np.linspace(0.0, 1.0, 11)
ids = np.searchsorted(edges[1:-1], p_a)
counts = np.bincount(ids, minlength=len(edges))
nz = counts[counts > 0]
prob_true, prob_pred = calibration_curve(y, p_a, n_bins=10, strategy="uniform")
cal["ece"] = float(np.sum(nz * np.abs(prob_true - prob_pred)) / n)
out["calibration"] = cal

# Slices: numeric quantile bins as pandas.qcut.
xs = np.round(rng.gamma(2.0, 20.0, 200), 1)
out["qcut"] = {"x": fl(xs), "bins": 4, "codes": [int(v) for v in pd.qcut(xs, 4, labels=False, duplicates="drop")]}

# Fairness on the binary case's predictions with a 3-valued sensitive column.
groups = np.array(["a", "b", "c"])[rng.randint(0, 3, n)]
yhat = (p_a > 0.5).astype(int)
rows, summaries = fairlearn_summaries(y, yhat, groups)
out["fairness"] = {"groups": [str(g) for g in groups], "per_group": rows, "summaries": summaries}

# Split conformal: calibrate on the first rows, test on the rest.
cov = 0.9
scores_r = np.abs(yr[:60] - pr[:60])
q_r = conformal_threshold(scores_r, cov)
out["conformal_regression"] = {"coverage": cov, "calibration_rows": 60, "quantile": q_r,
                               "achieved": float(np.mean(np.abs(yr[60:] - pr[60:]) <= q_r)), "mean_size": 2 * q_r}
proba = np.column_stack([1 - p_a, p_a])
scores_c = 1 - proba[np.arange(100), y[:100]]
q_c = conformal_threshold(scores_c, cov)
sets = (1 - proba[100:]) <= q_c
out["conformal_classification"] = {"coverage": cov, "calibration_rows": 100, "quantile": q_c,
                                   "achieved": float(np.mean(sets[np.arange(n - 100), y[100:]])), "mean_size": float(sets.sum(axis=1).mean()),
                                   "empty": float(np.mean(sets.sum(axis=1) == 0))}

with open("evaluation_fixtures.json", "w") as f:
    json.dump(out, f, indent=1, allow_nan=True)
print("wrote evaluation_fixtures.json")
