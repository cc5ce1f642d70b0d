#!/usr/bin/python3
"""Writes features_sklearn.json: scikit-learn's fitted statistics and transforms for Keel's feature engineering tests.

Run from this folder with Debian's python3 (scikit-learn 1.2.1, NumPy 1.24): /usr/bin/python3 make_features_fixture.py
Every transform is fitted on the train rows only and applied to the test rows. scikit-learn 1.2 has no TargetEncoder, so the
target encodings are derived by hand from the formulas of scikit-learn 1.3's TargetEncoder (_target_encoder_fast.pyx):
smooth=m: (sum + m*mean) / (n + m); smooth="auto": lam*mean_c + (1-lam)*mean with lam = n*var(y) / (n*var(y) + var_c);
fit_transform: KFold(n_splits, shuffle=False) folds, each encoded by the other folds (with their own mean and variance).
"""
import json

import numpy as np
import sklearn
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import KBinsDiscretizer, MinMaxScaler, OneHotEncoder, RobustScaler, StandardScaler

rng = np.random.default_rng(8)
n_train, n_test = 60, 15
x = np.round(rng.gamma(2.0, 3.0, n_train + n_test), 2)
x[rng.choice(n_train, 6, replace=False)] = np.nan           # missing values in train
x[n_train + 2] = np.nan                                      # and one in test
x[3] = x[5] = x[7] = 4.25                                     # a clear mode
cats = np.array(["a"] * 20 + ["b"] * 14 + ["c"] * 10 + ["d"] * 6 + ["e"] * 2 + ["f"] * 1 + ["g"] * 7)
rng.shuffle(cats)
cat = np.concatenate([cats[:n_train], np.array(["a", "b", "c", "d", "e", "f", "zzz", "a", "g", "b", "c", "e", "a", "d", "b"])])
p = {"a": 0.2, "b": 0.5, "c": 0.8, "d": 0.3, "e": 0.9, "f": 0.1, "g": 0.6}
y = np.array([int(rng.random() < p.get(c, 0.5)) for c in cat])

xtr, xte = x[:n_train].reshape(-1, 1), x[n_train:].reshape(-1, 1)
out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "n_train": n_train,
       "x": [None if np.isnan(v) else float(v) for v in x], "cat": cat.tolist(), "y": y.tolist()}

imputers = {}
for strategy in ["mean", "median", "most_frequent", "constant"]:
    imp = SimpleImputer(strategy=strategy, fill_value=7.0, add_indicator=True).fit(xtr)
    t = imp.transform(xte)
    imputers[strategy] = {"fill": float(imp.statistics_[0]), "test": t[:, 0].tolist(), "indicator": t[:, 1].tolist()}
out["impute"] = imputers

imputed_tr = SimpleImputer(strategy="median").fit(xtr).transform(xtr)
imputed_te = SimpleImputer(strategy="median").fit(xtr).transform(xte)
scalers = {}
for name, s in [("standard", StandardScaler()), ("minmax", MinMaxScaler()), ("robust", RobustScaler())]:
    s.fit(imputed_tr)
    scalers[name] = {"test": s.transform(imputed_te)[:, 0].tolist()}
ss = StandardScaler().fit(imputed_tr)
scalers["standard"].update(center=float(ss.mean_[0]), spread=float(ss.scale_[0]))
rs = RobustScaler().fit(imputed_tr)
scalers["robust"].update(center=float(rs.center_[0]), spread=float(rs.scale_[0]))
out["scale"] = scalers

bins = {}
for strategy in ["quantile", "uniform"]:
    kb = KBinsDiscretizer(n_bins=4, encode="ordinal", strategy=strategy).fit(imputed_tr)
    bins[strategy] = {"edges": kb.bin_edges_[0].tolist(), "test": kb.transform(imputed_te)[:, 0].tolist(),
                      "train": kb.transform(imputed_tr)[:, 0].tolist()}
out["bins"] = bins

ohe = OneHotEncoder(min_frequency=3, handle_unknown="infrequent_if_exist", sparse_output=False).fit(cat[:n_train].reshape(-1, 1))
names = ohe.get_feature_names_out(["cat"]).tolist()
t = ohe.transform(cat[n_train:].reshape(-1, 1))
out["onehot"] = {"min_frequency": 3, "kept": [str(c) for c in ohe.categories_[0] if c not in set(ohe.infrequent_categories_[0])],
                 "infrequent": [str(c) for c in ohe.infrequent_categories_[0]],
                 "test": [names[int(np.argmax(r))] if r.sum() > 0 else None for r in t]}


def encode(cats_fit, y_fit, smooth):
    mean, var = y_fit.mean(), y_fit.var()
    enc = {}
    for c in np.unique(cats_fit):
        yc = y_fit[cats_fit == c]
        if smooth == "auto":
            lam = len(yc) * var / (len(yc) * var + yc.var()) if len(yc) * var + yc.var() > 0 else np.nan
            enc[c] = mean if np.isnan(lam) else lam * yc.mean() + (1 - lam) * mean
        else:
            enc[c] = (yc.sum() + smooth * mean) / (len(yc) + smooth)
    return enc, mean


target = {}
ctr, ytr = cat[:n_train], y[:n_train].astype(float)
for smooth in ["auto", 2.0]:
    enc, mean = encode(ctr, ytr, smooth)
    oof = np.empty(n_train)
    folds, start = 5, 0
    for f in range(folds):
        size = n_train // folds + (1 if f < n_train % folds else 0)
        rest = np.r_[0:start, start + size:n_train]
        e, m = encode(ctr[rest], ytr[rest], smooth)
        oof[start:start + size] = [e.get(c, m) for c in ctr[start:start + size]]
        start += size
    target[str(smooth)] = {"prior": float(mean), "encodings": {str(k): float(v) for k, v in enc.items()},
                           "test": [float(enc.get(c, mean)) for c in cat[n_train:]], "train_oof": oof.tolist()}
out["target"] = target

with open("features_sklearn.json", "w") as f:
    json.dump(out, f, indent=1)
