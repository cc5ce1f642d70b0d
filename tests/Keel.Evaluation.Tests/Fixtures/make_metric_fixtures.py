#!/usr/bin/python3
"""Writes metric_fixtures.json: inputs and scikit-learn's outputs for Keel.Evaluation's fixture tests.

Run with Debian's python3 (scikit-learn 1.2.1, numpy 1.24): /usr/bin/python3 make_metric_fixtures.py
Class labels are the encoded indices 0..k-1; binary uses index 1 as the positive class.
"""
import json
import os

import numpy as np
import sklearn
from sklearn import metrics as m

rng = np.random.default_rng(20240611)


def binary_case(name, y, p1):
    y = np.asarray(y, dtype=int)
    p1 = np.asarray(p1, dtype=float)
    p0 = 1.0 - p1
    proba = np.column_stack([p0, p1])
    pred = (p1 > p0).astype(int)  # argmax, ties to the lower index
    out = {
        "accuracy": m.accuracy_score(y, pred),
        "precision": m.precision_score(y, pred, zero_division=0),
        "recall": m.recall_score(y, pred, zero_division=0),
        "f1": m.f1_score(y, pred, zero_division=0),
        "log_loss": m.log_loss(y, proba, labels=[0, 1]),
        "brier": m.brier_score_loss(y, p1),
    }
    case = {"name": name, "task": "binary", "classes": ["neg", "pos"], "truth": y.tolist(),
            "probabilities": proba.tolist()}
    if 0 < y.sum() < len(y):
        out["auc"] = m.roc_auc_score(y, p1)
        out["pr_auc"] = m.average_precision_score(y, p1)
        fpr, tpr, th = m.roc_curve(y, p1)
        prec, rec, pth = m.precision_recall_curve(y, p1)
        case["roc"] = {"x": fpr.tolist(), "y": tpr.tolist(), "thresholds": th.tolist()}
        case["pr"] = {"x": rec.tolist(), "y": prec.tolist(), "thresholds": pth.tolist()}
    return classification_extras(case, y, pred, 2, out)


def multiclass_case(name, y, proba):
    y = np.asarray(y, dtype=int)
    proba = np.asarray(proba, dtype=float)
    k = proba.shape[1]
    pred = proba.argmax(axis=1)
    # Averages use sklearn's default label set (classes seen in truth or predictions), as Keel does.
    out = {
        "accuracy": m.accuracy_score(y, pred),
        "macro_f1": m.f1_score(y, pred, average="macro", zero_division=0),
        "micro_f1": m.f1_score(y, pred, average="micro", zero_division=0),
        "weighted_f1": m.f1_score(y, pred, average="weighted", zero_division=0),
        "log_loss": m.log_loss(y, proba, labels=list(range(k))),
    }
    if len(np.unique(y)) == k:
        out["auc_ovr_macro"] = m.roc_auc_score(y, proba, multi_class="ovr", average="macro")
    case = {"name": name, "task": "multiclass", "classes": [f"c{i}" for i in range(k)], "truth": y.tolist(),
            "probabilities": proba.tolist()}
    return classification_extras(case, y, pred, k, out)


def classification_extras(case, y, pred, k, out):
    labels = list(range(k))
    p, r, f, s = m.precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    case["confusion"] = m.confusion_matrix(y, pred, labels=labels).tolist()
    case["per_class"] = [{"precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i])} for i in labels]
    case["metrics"] = {key: float(v) for key, v in out.items()}
    return case


def regression_case(name, y, yhat):
    y = np.asarray(y, dtype=float)
    yhat = np.asarray(yhat, dtype=float)
    out = {
        "rmse": m.mean_squared_error(y, yhat, squared=False),
        "mae": m.mean_absolute_error(y, yhat),
        "r2": m.r2_score(y, yhat),
    }
    if not np.any(y == 0):
        out["mape"] = m.mean_absolute_percentage_error(y, yhat)
    return {"name": name, "task": "regression", "truth": y.tolist(), "predicted": yhat.tolist(),
            "metrics": {key: float(v) for key, v in out.items()}}


def noisy_binary(n, positive_rate, separation):
    y = (rng.random(n) < positive_rate).astype(int)
    logit = rng.normal(0, 1, n) + separation * (2 * y - 1)
    return y, 1 / (1 + np.exp(-logit))


def dirichlet_rows(y, k, strength):
    alpha = np.ones((len(y), k))
    alpha[np.arange(len(y)), y] += strength
    return np.vstack([rng.dirichlet(a) for a in alpha])


cases = []
y, p = noisy_binary(200, 0.4, 0.8)
cases.append(binary_case("binary_random", y, p))
y, p = noisy_binary(150, 0.5, 0.5)
cases.append(binary_case("binary_tied_scores", y, np.round(p, 1)))
y, p = noisy_binary(600, 0.03, 1.0)
cases.append(binary_case("binary_heavy_imbalance", y, p))
y = np.array([0] * 40 + [1] * 20)
cases.append(binary_case("binary_perfect_separation", y, np.r_[rng.uniform(0, 0.4, 40), rng.uniform(0.6, 1, 20)]))
y = (rng.random(80) < 0.5).astype(int)
hard = np.where(rng.random(80) < 0.8, y, 1 - y).astype(float)  # exactly 0/1, some confidently wrong
cases.append(binary_case("binary_exact_zero_one", y, hard))
y = (rng.random(50) < 0.5).astype(int)
cases.append(binary_case("binary_half_ties", y, np.where(rng.random(50) < 0.5, 0.5, rng.random(50))))
y = np.zeros(30, dtype=int)
cases.append(binary_case("binary_one_class", y, rng.random(30)))

y = rng.integers(0, 3, 240)
cases.append(multiclass_case("multiclass_3", y, dirichlet_rows(y, 3, 2.0)))
y = rng.integers(0, 5, 300)
proba = dirichlet_rows(y, 5, 3.0)
proba[:, 3] *= 0.05  # class 3 occurs in truth but is never predicted
proba /= proba.sum(axis=1, keepdims=True)
cases.append(multiclass_case("multiclass_5_never_predicted", y, proba))
y = rng.integers(0, 4, 200)
proba = dirichlet_rows(y, 5, 1.5)
proba[:, 4] *= 0.01  # class 4 absent from truth and never predicted: no OvR AUC, left out of the averages
proba /= proba.sum(axis=1, keepdims=True)
cases.append(multiclass_case("multiclass_5_absent_class", y, proba))

y = rng.normal(-5, 20, 400)
cases.append(regression_case("regression_negative_values", y, y + rng.normal(0, 6, 400)))
y = np.round(rng.normal(0, 3, 100))
cases.append(regression_case("regression_zero_label", y, y + rng.normal(0, 1, 100)))
y = np.full(20, 7.5)
cases.append(regression_case("regression_constant_truth", y, y + rng.normal(0, 0.5, 20)))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "metric_fixtures.json"), "w") as f:
    json.dump({"generator": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}", "cases": cases}, f,
              allow_nan=False)
print(f"wrote {len(cases)} cases")
