#!/usr/bin/env python3
"""How differently sound models of different families answer: the PSI the score-shift guard would read between them.

  family_psi.py credit CSV          scikit-learn's logistic regression, random forest and HistGradientBoosting on a
                                    stratified 60/40 split of credit_data (label Status, positive 'bad'); PSI of their
                                    positive-class probabilities on the test rows, each way round.
  family_psi.py pair A.csv B.csv    two `keel predict` outputs of the same rows (columns predicted, p_CLASS...): PSI of
                                    the highest probabilities and of the predicted classes.

PSI as the guard computes it (src/Keel.Serving/Rollouts/GuardMonitor.cs): ten bins at the first sample's deciles, or
one per class, 0.5 added to every count. Figures are quoted in docs/deployments.md.
"""
import sys

import numpy as np
import pandas as pd


def psi_scores(ref, cur):
    ref = np.sort(np.asarray(ref))
    edges = [ref[int(np.floor(i * (len(ref) - 1) / 10))] for i in range(1, 10)]
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=10) + 0.5
    c = np.bincount(np.searchsorted(edges, np.asarray(cur), side="right"), minlength=10) + 0.5
    r, c = r / r.sum(), c / c.sum()
    return float(((c - r) * np.log(c / r)).sum())


def psi_classes(ref, cur):
    classes = sorted(set(ref) | set(cur))
    r = np.array([np.sum(np.asarray(ref) == k) for k in classes]) + 0.5
    c = np.array([np.sum(np.asarray(cur) == k) for k in classes]) + 0.5
    r, c = r / r.sum(), c / c.sum()
    return float(((c - r) * np.log(c / r)).sum())


def credit(path):
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    d = pd.read_csv(path)
    y = (d.Status == "bad").astype(int)
    x = pd.get_dummies(d.drop(columns="Status"), dtype=float)
    xtr, xte, ytr, _ = train_test_split(x, y, test_size=0.4, random_state=0, stratify=y)
    models = {
        "logistic": make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression(max_iter=2000)),
        "random_forest": make_pipeline(SimpleImputer(), RandomForestClassifier(300, random_state=0)),
        "hist_gbm": HistGradientBoostingClassifier(random_state=0),
    }
    p = {k: m.fit(xtr, ytr).predict_proba(xte)[:, 1] for k, m in models.items()}
    names = list(p)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            print(f"{a} vs {b}: PSI {psi_scores(p[a], p[b]):.3f} ({b} against {a}), {psi_scores(p[b], p[a]):.3f} (the other way)")


def pair(a_path, b_path):
    a, b = pd.read_csv(a_path), pd.read_csv(b_path)
    cols = [c for c in a.columns if c.startswith("p_")]
    ma, mb = a[cols].max(axis=1), b[cols].max(axis=1)
    print(f"highest probability: PSI {psi_scores(ma, mb):.3f}; means {ma.mean():.3f} and {mb.mean():.3f}")
    print(f"predicted classes: PSI {psi_classes(a.predicted, b.predicted):.3f}; agreement {(a.predicted == b.predicted).mean():.3f}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "credit":
        credit(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "pair":
        pair(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
