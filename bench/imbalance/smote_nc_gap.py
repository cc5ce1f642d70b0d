"""Where Keel's SMOTE-NC model and imbalanced-learn's differ on compare.py's split (skewed credit_data, logistic regression,
test AUC, mean and sd over seeds). Emulations, all in scikit-learn with the same model as compare.py's reference:
  imbalanced-learn 0.10 SMOTENC on fully filled training rows (compare.py's reference);
  the same rows with the original rows' missing values put back (what Keel did before: synthetic rows never missing);
  the same with synthetic rows missing as often as the class (what keeping the base row's missing values amounts to);
  imbalanced-learn patched to add median^2 per categorical mismatch (the paper, imbalanced-learn 0.11+ and Keel) instead
    of 0.10's median^2 / 2;
  a numpy SMOTE-NC with Keel's definitions (median^2 penalty, the class's own median std, missing where the base row is,
    base value where only the neighbour is missing), category ties to the nearest (Keel before) or drawn at random (now).
Usage: /usr/bin/python3 bench/imbalance/smote_nc_gap.py
"""
import os, types, warnings
import numpy as np, pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
import imblearn.over_sampling._smote.base as imblearn_smote
from imblearn.over_sampling import SMOTENC

warnings.filterwarnings("ignore")
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
df = pd.read_csv(os.path.join(root, "samples", "credit_data.csv"))
df = df[(df.Status != "bad") | (df.index % 6 == 0)].reset_index(drop=True)
tr, te = train_test_split(np.arange(len(df)), test_size=0.25, stratify=df.Status, random_state=42)
cat = [c for c in df.columns if df[c].dtype == object and c != "Status"]
num = [c for c in df.columns if c not in cat and c != "Status"]
X, y = df.drop(columns="Status"), (df.Status == "bad").astype(int).values
Xtr, ytr = X.iloc[tr].reset_index(drop=True), y[tr]
filled = Xtr.copy()
for c in num: filled[c] = filled[c].fillna(Xtr[c].median())
for c in cat: filled[c] = filled[c].fillna("(missing)")
cat_index = [X.columns.get_loc(c) for c in cat]

# imbalanced-learn's SMOTENC with the paper's penalty: the same source, one-hot entries median / sqrt(2) instead of / 2.
patched = types.ModuleType("imblearn.over_sampling._smote.patched")
patched.__package__ = "imblearn.over_sampling._smote"
exec(compile(open(imblearn_smote.__file__).read().replace("self.median_std_ / 2", "self.median_std_ / np.sqrt(2)"),
             imblearn_smote.__file__, "exec"), patched.__dict__)


def auc(Xs, ys):
    prep = ColumnTransformer([("num", make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()), num),
                              ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="(missing)"), OneHotEncoder(handle_unknown="ignore")), cat)])
    model = make_pipeline(prep, LogisticRegression(max_iter=2000)).fit(Xs, ys)
    return roc_auc_score(y[te], model.predict_proba(X.iloc[te])[:, 1])


def imblearn_rows(seed, cls=SMOTENC, originals_missing=False, synthetic_missing=False):
    Xs, ys = cls(categorical_features=cat_index, k_neighbors=5, random_state=seed).fit_resample(filled, ytr)
    n = len(Xtr)
    if originals_missing:
        rng = np.random.default_rng(seed)
        for c in num:
            Xs.loc[:n - 1, c] = Xtr[c].values
            if synthetic_missing:
                rate = Xtr[c][ytr == 1].isna().mean()
                Xs.loc[n:, c] = np.where(rng.random(len(Xs) - n) < rate, np.nan, Xs.loc[n:, c].values)
    return Xs, ys


def keel_rows(seed, random_ties):
    rng = np.random.default_rng(seed)
    minority = np.where(ytr == 1)[0]
    new = (ytr == 0).sum() - len(minority)
    values = filled[num].values[minority].astype(float)
    raw = Xtr[num].values[minority].astype(float)
    cats = filled[cat].values[minority]
    penalty = np.median(values.std(0)) ** 2
    d = ((values[:, None, :] - values[None, :, :]) ** 2).sum(2) + penalty * (cats[:, None, :] != cats[None, :, :]).sum(2)
    np.fill_diagonal(d, np.inf)
    nn = np.argsort(d, 1, kind="stable")[:, :5]
    base = rng.integers(0, len(minority), new)
    other = nn[base, rng.integers(0, 5, new)]
    gap = rng.random(new)[:, None]
    numbers = values[base] + gap * (values[other] - values[base])
    numbers = np.where(np.isnan(raw[base]), np.nan, np.where(np.isnan(raw[other]), values[base], numbers))
    rows = pd.DataFrame(numbers, columns=num)
    for ci, c in enumerate(cat):
        chosen = []
        for b in base:
            votes = list(cats[nn[b], ci])
            most = max(votes.count(v) for v in votes)
            tied = [v for v in dict.fromkeys(votes) if votes.count(v) == most]
            chosen.append(tied[rng.integers(len(tied))] if random_ties else tied[0])
        rows[c] = chosen
    rows[cat] = rows[cat].replace("(missing)", np.nan)
    return pd.concat([Xtr, rows[X.columns]], ignore_index=True), np.concatenate([ytr, np.ones(new, int)])


def line(label, make, seeds):
    aucs = [auc(*make(seed)) for seed in seeds]
    print(f"| {label} | {np.mean(aucs):.4f} | {np.std(aucs):.4f} | {len(aucs)} |", flush=True)


print("| SMOTE-NC rows | AUC mean | sd | seeds |\n|---|---|---|---|")
line("imbalanced-learn 0.10, all training rows filled (compare.py's reference)", imblearn_rows, range(10))
line("imbalanced-learn 0.10, original rows' missing values put back (Keel before)", lambda s: imblearn_rows(s, originals_missing=True), range(10))
line("imbalanced-learn 0.10, originals' missing put back, synthetic missing as often as the class", lambda s: imblearn_rows(s, originals_missing=True, synthetic_missing=True), range(10))
line("imbalanced-learn patched to median^2 per mismatch, all rows filled", lambda s: imblearn_rows(s, cls=patched.SMOTENC), range(5))
line("Keel's definitions in numpy, category ties to the nearest (before)", lambda s: keel_rows(s, False), range(5))
line("Keel's definitions in numpy, category ties drawn (now)", lambda s: keel_rows(s, True), range(5))
