"""What early stopping on a small held-out part costs a peer: scikit-learn's HistGradientBoostingClassifier with reference.py's
preprocessing, with and without early stopping, on split seeds 1-5 and 42 (train_test_split(test_size=0.2, stratify=y), as
reference.py and splits.py draw them). Test AUC per variant. Quality only (no bench lock).

  /usr/bin/python3 bench/tabular8/hgb_early_stopping.py NAME LABEL      # e.g. mlc_churn churn

Variants: hgb (scikit-learn's defaults: 100 rounds at 0.1, no early stopping below 10,000 rows), lr05_200 (Keel's lightgbm
rate and rounds), es20_lr05 / es20_lr10 (early stopping on a 20 % validation part, patience 20, as Keel's single-split
default), ft_like (fasttree's defaults: 100 rounds at 0.2, 20 leaves, 10 rows a leaf, no early stopping).
"""
import os, sys
import numpy as np, pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import make_pipeline
from sklearn import metrics

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.environ.get("KEEL_REFERENCE", "/work/shared/bench/reference.py")
src = open(REFERENCE).read()
# reference.py's imports and its prep() (the preprocessing every peer uses), without running its sets.
exec(src.split("SETS = [")[0].replace("os.makedirs(", "(lambda *a, **k: None)("))
exec("def prep" + src.split("def prep")[1].split("out = {}")[0])

VARIANTS = {"hgb": {}, "lr05_200": dict(learning_rate=0.05, max_iter=200),
            "es20_lr05": dict(learning_rate=0.05, max_iter=200, early_stopping=True, validation_fraction=0.2, n_iter_no_change=20),
            "es20_lr10": dict(early_stopping=True, validation_fraction=0.2, n_iter_no_change=20),
            "ft_like": dict(learning_rate=0.2, max_iter=100, max_leaf_nodes=20, min_samples_leaf=10)}

name, label = sys.argv[1], sys.argv[2]
df = pd.read_csv(os.path.join(HERE, "data", name + ".csv"))
df = df[df[label].notna()].reset_index(drop=True)
y = df[label]; X = df.drop(columns=[label])
yenc = y.map({c: i for i, c in enumerate(sorted(y.unique()))})
seeds = [1, 2, 3, 4, 5, 42]
auc = {k: [] for k in VARIANTS}
for seed in seeds:
    tr, te = train_test_split(np.arange(len(df)), test_size=0.2, random_state=seed, stratify=y)
    for k, options in VARIANTS.items():
        model = make_pipeline(prep(X), HistGradientBoostingClassifier(random_state=0, **options)).fit(X.iloc[tr], yenc.iloc[tr])
        auc[k].append(metrics.roc_auc_score(yenc.iloc[te], model.predict_proba(X.iloc[te])[:, 1]))
for k, v in auc.items():
    print(f"{k:10s} mean over seeds 1-5 {np.mean(v[:5]):.4f}  seed 42 {v[5]:.4f}  per seed " + " ".join(f"{x:.4f}" for x in v))
