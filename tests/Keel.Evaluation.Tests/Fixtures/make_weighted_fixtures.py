#!/usr/bin/python3
"""Writes weighted_fixtures.json: scikit-learn's metrics with sample_weight (per-row weights, as `data.weight` and importance
sampling give) and compute_class_weight('balanced'), the reference for Keel's weighted metrics and class weights.

Run with Debian's scikit-learn 1.2.1: /usr/bin/python3 make_weighted_fixtures.py (from this folder).
Keys use Keel's metric names; per-class recall is "recall.c<K>" (the tests name class K "c<K>").
"""
import json

import numpy as np
import sklearn
from sklearn import metrics as M
from sklearn.utils.class_weight import compute_class_weight

rng = np.random.RandomState(20261126)


def fl(a):
    return [float(x) for x in np.asarray(a, dtype=float).ravel()]


def classification(name, y, proba, w):
    k = proba.shape[1]
    pred = np.argmax(proba, axis=1)
    labels = sorted(set(int(v) for v in y) | set(int(v) for v in pred))
    m = {
        "accuracy": M.accuracy_score(y, pred, sample_weight=w),
        "log_loss": M.log_loss(y, proba, labels=list(range(k)), sample_weight=w),
        "balanced_accuracy": M.balanced_accuracy_score(y, pred, sample_weight=w),
    }
    recalls = M.recall_score(y, pred, labels=labels, average=None, zero_division=0, sample_weight=w)
    m.update({f"recall.c{c}": float(r) for c, r in zip(labels, recalls)})
    if k == 2:
        p1 = proba[:, 1]
        m.update({
            "precision": M.precision_score(y, pred, zero_division=0, sample_weight=w),
            "recall": M.recall_score(y, pred, zero_division=0, sample_weight=w),
            "f1": M.f1_score(y, pred, zero_division=0, sample_weight=w),
            "auc": M.roc_auc_score(y, p1, sample_weight=w),
            "pr_auc": M.average_precision_score(y, p1, sample_weight=w),
            "brier": M.brier_score_loss(y, p1, sample_weight=w),
        })
    else:
        m.update({
            "macro_f1": M.f1_score(y, pred, average="macro", zero_division=0, sample_weight=w),
            "micro_f1": M.f1_score(y, pred, average="micro", zero_division=0, sample_weight=w),
            "weighted_f1": M.f1_score(y, pred, average="weighted", zero_division=0, sample_weight=w),
            "auc_ovr_macro": M.roc_auc_score(y, proba, multi_class="ovr", average="macro", sample_weight=w),
        })
    return {"name": name, "task": "binary" if k == 2 else "multiclass", "classes": k, "y_true": [int(v) for v in y],
            "probabilities": [fl(r) for r in proba], "weights": fl(w), "metrics": {a: float(b) for a, b in m.items()},
            "unweighted_differs": bool(abs(M.accuracy_score(y, pred) - m["accuracy"]) > 1e-6)}


def regression(name, y, p, w):
    m = {"rmse": float(np.sqrt(M.mean_squared_error(y, p, sample_weight=w))), "mae": M.mean_absolute_error(y, p, sample_weight=w),
         "r2": M.r2_score(y, p, sample_weight=w), "mape": M.mean_absolute_percentage_error(y, p, sample_weight=w)}
    return {"name": name, "task": "regression", "y_true": fl(y), "y_pred": fl(p), "weights": fl(w), "metrics": {a: float(b) for a, b in m.items()}}


cases = []
# Binary, skewed, scores rounded (ties), importance-like weights (1 / inclusion probability) and a few zero weights.
n = 300
y = (rng.rand(n) < 0.2).astype(int)
p1 = np.round(np.clip(0.35 + 0.3 * y + rng.normal(0, 0.2, n), 0, 1), 2)
w = np.where(rng.rand(n) < 0.05, 0.0, 1 / rng.uniform(0.05, 1, n))
cases.append(classification("binary_importance_weights", y, np.column_stack([1 - p1, p1]), w))
# Binary with small fractional weights summing below 2.
w2 = rng.uniform(0, 1, n)
w2 = w2 / w2.sum() * 1.5
cases.append(classification("binary_weights_sum_below_two", y, np.column_stack([1 - p1, p1]), w2))
# Multiclass: 3 classes, weights by class (as class_weight: balanced gives) times row noise.
n = 240
y = rng.choice(3, n, p=[0.6, 0.3, 0.1])
logits = rng.normal(0, 1, (n, 3))
logits[np.arange(n), y] += 1.2
proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
cw = compute_class_weight("balanced", classes=np.arange(3), y=y)
cases.append(classification("multi3_class_weights", y, proba, cw[y] * rng.uniform(0.5, 1.5, n)))
# Regression with positive labels and uneven weights.
n = 200
y = rng.uniform(1, 10, n)
cases.append(regression("regression_weights", y, y + rng.normal(0, 1, n), rng.exponential(1, n)))

# compute_class_weight('balanced') = n_samples / (n_classes * count(class)).
balanced = []
for counts in [[900, 100], [50, 30, 20], [1, 1, 8]]:
    y = np.repeat(np.arange(len(counts)), counts)
    balanced.append({"counts": counts, "weights": fl(compute_class_weight("balanced", classes=np.arange(len(counts)), y=y))})

with open("weighted_fixtures.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases, "balanced": balanced}, f, indent=1)
print(len(cases), "cases")
