"""Writes tests/Keel.Training.Tests/Fixtures/ridge_ames.json: scikit-learn Ridge(alpha=1) on Ames, for RidgeTests.

Run from the repository root:  /usr/bin/python3 bench/ridge_fixture.py   (needs Debian's python3-sklearn)
Preprocessing is the peers' (../shared/bench/reference.py): StandardScaler on the numeric columns, plain one-hot on
Neighborhood (every train category has at least 2 rows, so Keel's extra "other"/"missing" slots stay empty). Train rows are
all rows not in samples/splits/ames.test.txt; the fixture keeps the coefficients and the predictions for the test rows.
"""
import csv, json, os
import numpy as np
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NUMERIC = ["Lot_Area", "Year_Built", "Gr_Liv_Area", "Garage_Area", "Total_Bsmt_SF"]
CATEGORICAL = ["Neighborhood"]
LABEL = "Sale_Price"

rows = list(csv.DictReader(open(os.path.join(ROOT, "samples", "ames.csv"))))
test = np.loadtxt(os.path.join(ROOT, "samples", "splits", "ames.test.txt"), dtype=int)
train = np.setdiff1d(np.arange(len(rows)), test)
X = np.array([[r[c] for c in NUMERIC + CATEGORICAL] for r in rows], dtype=object)
X[:, :len(NUMERIC)] = X[:, :len(NUMERIC)].astype(float)
y = np.array([float(r[LABEL]) for r in rows])
counts = {}
for v in X[train, len(NUMERIC)]:
    counts[v] = counts.get(v, 0) + 1
keep = np.array([counts.get(v, 0) >= 2 for v in X[:, len(NUMERIC)]])
train = train[keep[train]]
test = test[keep[test]]

prep = ColumnTransformer([("num", StandardScaler(), list(range(len(NUMERIC)))),
                          ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), [len(NUMERIC)])])
model = make_pipeline(prep, Ridge(alpha=1.0)).fit(X[train], y[train])
pred = model.predict(X[test])
out = {
    "made_by": f"bench/ridge_fixture.py, scikit-learn {sklearn.__version__}",
    "columns": NUMERIC + CATEGORICAL, "label": LABEL, "alpha": 1.0,
    "train_rows": [int(i) for i in train], "test_rows": [int(i) for i in test],
    "intercept": float(model[-1].intercept_), "numeric_coefficients": [float(c) for c in model[-1].coef_[:len(NUMERIC)]],
    "predictions": [float(p) for p in pred],
    "rmse": float(np.sqrt(np.mean((pred - y[test]) ** 2))),
}
path = os.path.join(ROOT, "tests", "Keel.Training.Tests", "Fixtures", "ridge_ames.json")
json.dump(out, open(path, "w"), indent=1)
print(f"wrote {path}: rmse {out['rmse']:.2f}, {len(train)} train rows, {len(test)} test rows")
