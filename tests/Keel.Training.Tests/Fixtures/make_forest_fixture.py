#!/usr/bin/python3
"""Writes forest_sklearn.json: scikit-learn's trees and forests for Keel's random_forest tests.

Run from this folder with Debian's python3 (scikit-learn 1.2.1): /usr/bin/python3 make_forest_fixture.py
- "cart": a synthetic set (4 numeric features with at most 255 distinct values each, so Keel's bins are exact) and one tree
  (DecisionTreeClassifier / DecisionTreeRegressor, every feature, no bootstrap, max_depth 5, min_samples_leaf 3). The tree is
  grown with 8 random_states and the script checks they agree (no ties between features), so Keel's tree must match it.
- "quality": RandomForestClassifier / RandomForestRegressor with scikit-learn's defaults (100 trees, random_state 0..4) on
  credit_data (binary, test AUC) and ames with six columns (regression, test rmse), on a fixed 80/20 split (random_state 42,
  stratified for credit_data), numbers median-imputed, categories most-frequent-imputed and one-hot encoded (as
  ../shared/bench/reference.py). The mean and spread over the five seeds are the reference for Keel's forest.
"""
import json

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.metrics import mean_squared_error, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

out = {"made_by": "tests/Keel.Training.Tests/Fixtures/make_forest_fixture.py, scikit-learn " + sklearn.__version__}

rng = np.random.default_rng(19)
n_train, n_test = 240, 120
x = np.round(rng.normal(0, 1, (n_train + n_test, 4)), 2).astype(np.float32)
score = x[:, 0] + 0.8 * x[:, 1] * x[:, 2] - 0.5 * x[:, 3] ** 2 + rng.normal(0, 0.5, n_train + n_test)
y_reg = np.round(score * 10 + 50, 3)
y_cls = np.where(score < -0.6, "a", np.where(score < 0.5, "b", "c"))
xtr, xte = x[:n_train], x[n_train:]
cart = {"x": x.astype(float).tolist(), "n_train": n_train, "y_class": y_cls.tolist(), "y_value": y_reg.tolist(),
        "max_depth": 5, "min_samples_leaf": 3}
probas = [DecisionTreeClassifier(max_depth=5, min_samples_leaf=3, random_state=s).fit(xtr, y_cls[:n_train]).predict_proba(xte) for s in range(8)]
values = [DecisionTreeRegressor(max_depth=5, min_samples_leaf=3, random_state=s).fit(xtr, y_reg[:n_train]).predict(xte) for s in range(8)]
assert all(np.array_equal(probas[0], p) for p in probas), "classifier trees differ between seeds: a tie"
# Leaf means differ in the last bits between seeds (summation order), never by a different split.
assert all(np.allclose(values[0], v, rtol=0, atol=1e-9) for v in values), "regression trees differ between seeds: a tie"
cart["test_probabilities"] = probas[0].tolist()
cart["test_values"] = values[0].tolist()
out["cart"] = cart


def prep(X):
    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    return ColumnTransformer([("num", SimpleImputer(strategy="median"), num),
                              ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                                    OneHotEncoder(handle_unknown="ignore", sparse_output=False)), cat)])


quality = {}
credit = pd.read_csv("../../../samples/credit_data.csv").dropna(subset=["Status"]).reset_index(drop=True)
y = (credit.pop("Status") == "good").astype(int).to_numpy()
tr, te = train_test_split(np.arange(len(y)), test_size=0.2, random_state=42, stratify=y)
aucs = []
for s in range(5):
    m = make_pipeline(prep(credit), RandomForestClassifier(n_estimators=100, random_state=s, n_jobs=2)).fit(credit.iloc[tr], y[tr])
    aucs.append(roc_auc_score(y[te], m.predict_proba(credit.iloc[te])[:, 1]))
quality["credit_data"] = {"label": "Status", "positive": "good", "train_rows": sorted(tr.tolist()), "test_rows": sorted(te.tolist()),
                          "metric": "auc", "mean": float(np.mean(aucs)), "sd": float(np.std(aucs, ddof=1)), "by_seed": aucs}

columns = ["Lot_Area", "Year_Built", "Gr_Liv_Area", "Garage_Area", "Total_Bsmt_SF", "Neighborhood"]
ames = pd.read_csv("../../../samples/ames.csv")
y = ames["Sale_Price"].to_numpy()
ames = ames[columns]
tr, te = train_test_split(np.arange(len(y)), test_size=0.2, random_state=42)
rmses = []
for s in range(5):
    m = make_pipeline(prep(ames), RandomForestRegressor(n_estimators=100, random_state=s, n_jobs=2)).fit(ames.iloc[tr], y[tr])
    rmses.append(float(np.sqrt(mean_squared_error(y[te], m.predict(ames.iloc[te])))))
quality["ames"] = {"label": "Sale_Price", "columns": columns, "train_rows": sorted(tr.tolist()), "test_rows": sorted(te.tolist()),
                   "metric": "rmse", "mean": float(np.mean(rmses)), "sd": float(np.std(rmses, ddof=1)), "by_seed": rmses}
out["quality"] = quality

with open("forest_sklearn.json", "w") as f:
    json.dump(out, f)
print({k: (v["mean"], v["sd"]) for k, v in quality.items()})
