#!/usr/bin/python3
"""Writes importance_fixtures.json: permutation importance of fixed linear models, as
sklearn.inspection.permutation_importance defines it, with the shuffles of Keel.Evaluation.Importance.PermutationImportance.

Run with Debian's scikit-learn 1.2.1: /usr/bin/python3 make_importance_fixtures.py (from this folder).
The model is a fixed linear scoring function (no fitting), so C# computes the same predictions. Two parts:
- "exact": the shuffles are Keel's (a SplitMix64 stream, Fisher-Yates, repeat r of every column uses the r-th permutation, as
  scikit-learn gives every column the same sequence of shuffles); the drop is the sklearn scorer on the rows as they are minus the
  scorer on the shuffled rows (neg_log_loss, neg_root_mean_squared_error for losses). C# must equal these to 1e-9.
- "sklearn": sklearn.inspection.permutation_importance itself (its own numpy shuffles, which C# cannot draw): C# is compared on the
  properties (a column with weight 0 has importance exactly 0; the ranking of the columns).
"""
import json

import numpy as np
import sklearn
from sklearn import metrics as M
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.inspection import permutation_importance

from splitmix64 import SplitMix64

def permutations(n, repeats, seed):
    stream = SplitMix64(seed)
    out = []
    for _ in range(repeats):
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = stream.next() % (i + 1)
            p[i], p[j] = p[j], p[i]
        out.append(np.array(p))
    return out


W = np.array([1.5, -1.0, 0.0])
B = 0.3


def score(X):
    """W . x + B, summed left to right as the C# test does."""
    return X[:, 0] * W[0] + X[:, 1] * W[1] + X[:, 2] * W[2] + B


class LinearClassifier(ClassifierMixin, BaseEstimator):
    """P(1) = sigmoid(W . x + B); nothing is fitted."""

    def fit(self, X, y):
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        p = 1 / (1 + np.exp(-score(X)))
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


class LinearRegressor(RegressorMixin, BaseEstimator):
    """y = W . x + B."""

    def fit(self, X, y):
        return self

    def predict(self, X):
        return score(X)


def exact(model, X, y, scorer, repeats, seed):
    base = scorer(model, X, y)
    drops = []
    for j in range(X.shape[1]):
        row = []
        for p in permutations(len(y), repeats, seed):
            Xs = X.copy()
            Xs[:, j] = X[p, j]
            row.append(base - scorer(model, Xs, y))
        drops.append(row)
    drops = np.array(drops)
    return {"baseline": float(base), "drops": drops.tolist(), "mean": drops.mean(axis=1).tolist(), "std": drops.std(axis=1).tolist()}


rng = np.random.RandomState(20261126)
n, repeats, seed = 150, 5, 7
X = rng.normal(0, 1, (n, 3))  # not rounded: no two rows tie in score, so the AUC does not hang on the last bit
y = (rng.rand(n) < 1 / (1 + np.exp(-score(X)))).astype(int)
yr = score(X) + rng.normal(0, 0.5, n)
clf, reg = LinearClassifier().fit(X, y), LinearRegressor().fit(X, yr)
scorers = {
    "auc": ("roc_auc", clf, y),
    "log_loss": ("neg_log_loss", clf, y),
    "accuracy": ("accuracy", clf, y),
    "rmse": ("neg_root_mean_squared_error", reg, yr),
    "r2": ("r2", reg, yr),
}
out = {"sklearn_version": sklearn.__version__, "x": X.tolist(), "y": y.tolist(), "y_regression": yr.tolist(), "weights": W.tolist(),
       "bias": B, "repeats": repeats, "seed": seed, "exact": {}, "sklearn": {}}
for name, (scoring, model, target) in scorers.items():
    scorer = M.get_scorer(scoring)
    out["exact"][name] = exact(model, X, target, scorer, repeats, seed)
    r = permutation_importance(model, X, target, scoring=scoring, n_repeats=repeats, random_state=0)
    out["sklearn"][name] = {"mean": r.importances_mean.tolist(), "std": r.importances_std.tolist()}

with open("importance_fixtures.json", "w") as f:
    json.dump(out, f, indent=1)
print("wrote importance_fixtures.json")
