#!/usr/bin/python3
"""Writes threshold_fixtures.json: decision thresholds chosen by scikit-learn for F-beta, a precision target, a recall target and a
cost matrix, the reference for Keel.Evaluation.Calibration.Thresholds.

Run with Debian's scikit-learn 1.2.1: /usr/bin/python3 make_threshold_fixtures.py (from this folder).
Candidate thresholds are those of sklearn.metrics.precision_recall_curve (every distinct score down to the first reaching full
recall; lower ones only add false positives) plus one above every score (nothing positive); among equally good thresholds the
highest wins, as in Keel. The value at the chosen threshold is recomputed with fbeta_score / precision_score / recall_score /
confusion_matrix on the labels `score >= threshold`.
"""
import json

import numpy as np
import sklearn
from sklearn import metrics as M

rng = np.random.RandomState(20261126)


def fl(a):
    return [float(x) for x in np.asarray(a, dtype=float).ravel()]


def data(n, positive_rate, decimals):
    y = (rng.rand(n) < positive_rate).astype(int)
    # Scores that separate the classes partly; rounding makes ties.
    s = 1 / (1 + np.exp(-(1.2 * (2 * y - 1) + rng.randn(n))))
    return y, np.round(s, decimals)


def candidates(y, s):
    precision, recall, thresholds = M.precision_recall_curve(y, s)
    # precision_recall_curve returns thresholds ascending with precision/recall aligned; the last (1, 0) point has no threshold.
    points = [(float(t), float(p), float(r)) for p, r, t in zip(precision[:-1], recall[:-1], thresholds)]
    points.append((float(np.nextafter(s.max(), np.inf)), float("nan"), 0.0))
    return sorted(points, key=lambda x: -x[0])  # highest first, so the first best found is the highest threshold


def counts(y, s, t):
    pred = (s >= t).astype(int)
    tn, fp, fn, tp = M.confusion_matrix(y, pred, labels=[0, 1]).ravel()
    return pred, tp, fp, fn


def choose(y, s, kind, value, cfp=1.0, cfn=1.0):
    best = None
    for t, p, r in candidates(y, s):
        pred, tp, fp, fn = counts(y, s, t)
        if kind == "f_beta":
            v = M.fbeta_score(y, pred, beta=value, zero_division=0)
        elif kind == "precision":
            if tp + fp == 0 or M.precision_score(y, pred, zero_division=0) < value:
                continue
            v = M.recall_score(y, pred)
        elif kind == "recall":
            if M.recall_score(y, pred) < value:
                continue
            v = M.precision_score(y, pred, zero_division=0)
        else:
            v = -(cfp * fp + cfn * fn)
        if best is None or v > best[1]:
            best = (t, v, p, r)
    t, v, p, r = best
    if kind == "costs":
        v = -v / len(y)
    return {"threshold": t, "value": float(v), "precision": p, "recall": r}


cases = []
for name, n, rate, dec in [("balanced_ties", 300, 0.5, 2), ("skewed_ties", 400, 0.12, 2), ("skewed_distinct", 250, 0.2, 12)]:
    y, s = data(n, rate, dec)
    for kind, value, cfp, cfn in [("f_beta", 1.0, 1, 1), ("f_beta", 2.0, 1, 1), ("f_beta", 0.5, 1, 1), ("precision", 0.7, 1, 1),
                                  ("recall", 0.9, 1, 1), ("costs", 0.0, 1.0, 5.0), ("costs", 0.0, 3.0, 1.0)]:
        expected = choose(y, s, kind, value, cfp, cfn)
        cases.append({"name": f"{name}_{kind}_{value if kind != 'costs' else f'{cfp:g}_{cfn:g}'}", "truth": [int(v) for v in y],
                      "scores": fl(s), "kind": kind, "target": value, "fp": cfp, "fn": cfn, **expected})

with open("threshold_fixtures.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, indent=1, allow_nan=True)
print(len(cases), "cases")
