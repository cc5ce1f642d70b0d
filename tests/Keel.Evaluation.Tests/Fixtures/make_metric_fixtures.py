#!/usr/bin/python3
"""Writes metric_fixtures.json: inputs and scikit-learn's figures that Keel.Evaluation must reproduce.

Run with Debian's scikit-learn 1.2.1: /usr/bin/python3 make_metric_fixtures.py (from this folder).
Metric keys use Keel's names (MetricCatalog); a key left out means the metric is undefined for the case. Per-class recall
(recall_score average=None over unique_labels(y_true, y_pred), zero_division=0) is keyed "recall.c<K>" (the tests name class K "c<K>").
"""
import json
import os

import numpy as np
import sklearn
from sklearn import metrics as M

rng = np.random.RandomState(20260123)


def floats(a):
    return [float(x) for x in np.asarray(a, dtype=float).ravel()]


def rows(p):
    return [floats(r) for r in p]


def per_class(y, pred, k):
    p, r, f, s = M.precision_recall_fscore_support(y, pred, labels=list(range(k)), zero_division=0)
    return {"precision": floats(p), "recall": floats(r), "f1": floats(f), "support": [int(x) for x in s]}


def skew_metrics(y, pred):
    """balanced_accuracy_score and recall_score(average=None) over the labels scikit-learn sees (unique_labels)."""
    labels = sorted(set(int(v) for v in y) | set(int(v) for v in pred))
    recalls = M.recall_score(y, pred, labels=labels, average=None, zero_division=0)
    return {"balanced_accuracy": M.balanced_accuracy_score(y, pred), **{f"recall.c{c}": float(r) for c, r in zip(labels, recalls)}}


def binary_case(name, y, p1):
    y = np.asarray(y, dtype=int)
    p1 = np.asarray(p1, dtype=float)
    proba = np.column_stack([1.0 - p1, p1])
    pred = np.argmax(proba, axis=1)  # ties go to class 0
    fpr, tpr, roc_t = M.roc_curve(y, p1)
    prec, rec, pr_t = M.precision_recall_curve(y, p1)
    return {
        "name": name, "task": "binary", "classes": 2,
        "y_true": [int(v) for v in y], "probabilities": rows(proba), "y_pred": [int(v) for v in pred],
        "metrics": {
            "accuracy": M.accuracy_score(y, pred),
            "precision": M.precision_score(y, pred, zero_division=0),
            "recall": M.recall_score(y, pred, zero_division=0),
            "f1": M.f1_score(y, pred, zero_division=0),
            "auc": M.roc_auc_score(y, p1),
            "pr_auc": M.average_precision_score(y, p1),
            "log_loss": M.log_loss(y, proba, labels=[0, 1]),
            "brier": M.brier_score_loss(y, p1),
            **skew_metrics(y, pred),
        },
        "confusion": M.confusion_matrix(y, pred, labels=[0, 1]).tolist(),
        "per_class": per_class(y, pred, 2),
        "roc": {"fpr": floats(fpr), "tpr": floats(tpr), "thresholds": floats(roc_t)},
        "pr": {"precision": floats(prec), "recall": floats(rec), "thresholds": floats(pr_t)},
    }


def multiclass_case(name, y, proba):
    y = np.asarray(y, dtype=int)
    proba = np.asarray(proba, dtype=float)
    k = proba.shape[1]
    pred = np.argmax(proba, axis=1)
    metrics = {
        "accuracy": M.accuracy_score(y, pred),
        "macro_f1": M.f1_score(y, pred, average="macro", zero_division=0),
        "micro_f1": M.f1_score(y, pred, average="micro", zero_division=0),
        "weighted_f1": M.f1_score(y, pred, average="weighted", zero_division=0),
        "log_loss": M.log_loss(y, proba, labels=list(range(k))),
        **skew_metrics(y, pred),
    }
    # scikit-learn refuses one-vs-rest AUC unless every class occurs in y_true.
    if len(np.unique(y)) == k:
        metrics["auc_ovr_macro"] = M.roc_auc_score(y, proba, multi_class="ovr", average="macro")
    return {
        "name": name, "task": "multiclass", "classes": k,
        "y_true": [int(v) for v in y], "probabilities": rows(proba), "y_pred": [int(v) for v in pred],
        "metrics": metrics,
        "confusion": M.confusion_matrix(y, pred, labels=list(range(k))).tolist(),
        "per_class": per_class(y, pred, k),
    }


def regression_case(name, y, pred):
    y = np.asarray(y, dtype=float)
    pred = np.asarray(pred, dtype=float)
    metrics = {
        "rmse": float(np.sqrt(M.mean_squared_error(y, pred))),
        "mae": M.mean_absolute_error(y, pred),
    }
    # scikit-learn returns NaN (undefined) for r2 on fewer than two rows; Keel leaves it out.
    if len(y) >= 2:
        metrics["r2"] = M.r2_score(y, pred)
    # scikit-learn divides by max(|y|, eps) and returns a meaningless huge number for a zero label; Keel leaves mape out.
    if np.all(y != 0):
        metrics["mape"] = M.mean_absolute_percentage_error(y, pred)
    return {"name": name, "task": "regression", "y_true": floats(y), "y_pred": floats(pred), "metrics": metrics}


def noisy_scores(y, spread):
    return np.clip(0.5 + spread * (y - 0.5) + rng.normal(0, 0.25, len(y)), 0.0, 1.0)


def dirichlet_leaning(y, k, strength):
    alpha = np.ones((len(y), k))
    alpha[np.arange(len(y)), y] += strength
    return np.vstack([rng.dirichlet(a) for a in alpha])


cases = []

# Binary: scores rounded to one decimal, so most thresholds hold several rows of both classes.
y = rng.binomial(1, 0.4, 80)
cases.append(binary_case("binary_many_ties", y, np.round(noisy_scores(y, 0.4), 1)))

# Binary: 5% positives.
y = np.zeros(400, dtype=int)
y[rng.choice(400, 20, replace=False)] = 1
cases.append(binary_case("binary_imbalanced_5pct", y, noisy_scores(y, 0.5)))

# Binary: every positive scores above every negative.
y = rng.binomial(1, 0.5, 50)
cases.append(binary_case("binary_perfect_separation", y, np.where(y == 1, rng.uniform(0.6, 1.0, 50), rng.uniform(0.0, 0.4, 50))))

# Binary: probabilities of exactly 0 and 1, some confidently wrong (log_loss clips them).
y = rng.binomial(1, 0.5, 40)
p = np.where(y == 1, 1.0, 0.0)
p[:4] = 1.0 - p[:4]
p[10:20] = rng.uniform(0, 1, 10)
cases.append(binary_case("binary_exact_zero_one", y, p))

# Binary: p1 == 0.5 exactly on some rows (argmax tie goes to class 0).
y = rng.binomial(1, 0.5, 60)
p = noisy_scores(y, 0.3)
p[rng.choice(60, 15, replace=False)] = 0.5
cases.append(binary_case("binary_half_ties", y, p))

# Binary: continuous scores, moderate size.
y = rng.binomial(1, 0.3, 250)
cases.append(binary_case("binary_continuous", y, noisy_scores(y, 0.6)))

# Binary: nothing predicted positive (precision 0/0 -> 0, zero_division=0).
y = rng.binomial(1, 0.3, 30)
cases.append(binary_case("binary_no_positive_predictions", y, rng.uniform(0.0, 0.45, 30)))

# Binary: one score for every row (a single threshold; ROC is the diagonal).
y = rng.binomial(1, 0.5, 12)
cases.append(binary_case("binary_constant_score", y, np.full(12, 0.3)))

# Multiclass: 3 classes, all present and predicted.
y = rng.randint(0, 3, 120)
cases.append(multiclass_case("multi3_all_present", y, dirichlet_leaning(y, 3, 2.0)))

# Multiclass: 3 classes, class 2 never predicted (its column is kept small).
y = rng.randint(0, 3, 90)
pr = dirichlet_leaning(y, 3, 1.5)
pr[:, 2] *= 0.01
pr /= pr.sum(axis=1, keepdims=True)
cases.append(multiclass_case("multi3_class_never_predicted", y, pr))

# Multiclass: 5 classes, class 4 absent from truth (so no auc_ovr_macro), class 3 never predicted.
y = rng.randint(0, 4, 150)
pr = dirichlet_leaning(y, 5, 2.5)
pr[:, 3] *= 0.02
pr /= pr.sum(axis=1, keepdims=True)
cases.append(multiclass_case("multi5_class_absent_from_truth", y, pr))

# Multiclass: 5 classes with argmax ties (rows of equal top probabilities) and tied scores.
y = rng.randint(0, 5, 200)
pr = np.round(dirichlet_leaning(y, 5, 1.0), 1)
pr[:20] = [0.3, 0.3, 0.2, 0.1, 0.1]
pr[20:30] = [0.1, 0.1, 0.4, 0.4, 0.0]
pr = np.where(pr.sum(axis=1, keepdims=True) == 0, 0.2, pr)
pr /= pr.sum(axis=1, keepdims=True)
cases.append(multiclass_case("multi5_argmax_ties", y, pr))

# Regression: negative and positive values.
y = rng.normal(-3.0, 20.0, 200)
cases.append(regression_case("regression_negative_values", y, y + rng.normal(0, 5.0, 200)))

# Regression: one label is exactly zero (mape undefined).
y = rng.uniform(1, 100, 60)
y[7] = 0.0
cases.append(regression_case("regression_zero_label", y, y * rng.uniform(0.8, 1.2, 60) + 1.0))

# Regression: constant label, imperfect fit (scikit-learn's force_finite r2 = 0).
cases.append(regression_case("regression_constant_label", np.full(20, 4.5), 4.5 + rng.normal(0, 1, 20)))

# Regression: non-zero labels smaller than float64 eps (scikit-learn divides by max(|y|, eps)).
y = np.array([1e-20, -3e-17, 2.0, 5e-300, 4.0])
cases.append(regression_case("regression_tiny_labels", y, y + np.array([1e-18, 1e-17, 0.5, 0.0, -1.0])))

# Regression: constant label whose float mean is not exactly the label (r2 then divides by a tiny spread, as numpy rounds it).
cases.append(regression_case("regression_constant_inexact_mean", np.full(50, 0.1), np.full(50, 0.1) + rng.normal(0, 0.01, 50)))
cases.append(regression_case("regression_constant_inexact_mean_long", np.full(1000, 0.7), np.full(1000, 0.7) + rng.normal(0, 0.01, 1000)))

# Regression: a single row (r2 undefined).
cases.append(regression_case("regression_single_row", [2.0], [3.5]))

out = {"generator": "make_metric_fixtures.py", "sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metric_fixtures.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1, allow_nan=False)
    f.write("\n")
print(f"wrote {len(cases)} cases to {path}")
