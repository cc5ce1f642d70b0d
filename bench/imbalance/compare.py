"""Keel's rebalancing against imbalanced-learn on the same skewed data, split, method and k.

credit_data made skewed: every 'bad' row whose index is not a multiple of 6 is dropped (about 6 % bad). One seeded
stratified 75/25 split is written as test_rows and used by both sides. Keel: `keel run` with models [linear] (logistic
regression on one-hot categoricals, median imputation, standardisation), no validation, no refit, the imbalance method
on the training rows. Reference: the same features in scikit-learn (median imputation + indicator, one-hot,
StandardScaler, LogisticRegression) with imbalanced-learn's sampler (k_neighbors=5) on the training rows; class_weight is
Keel's imbalance.class_weight: balanced against LogisticRegression(class_weight='balanced'). Test AUC, PR AUC (average
precision), and at the 0.5 threshold the recall of bad and the balanced accuracy, side by side. Usage (repository root, Release build made here):
    /usr/bin/python3 bench/imbalance/compare.py   (quality only: no bench lock needed)
"""
import json, os, subprocess, sys, tempfile
import numpy as np, pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, balanced_accuracy_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from imblearn.over_sampling import RandomOverSampler, SMOTENC
from imblearn.under_sampling import RandomUnderSampler, TomekLinks

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
work = tempfile.mkdtemp(prefix="keel-imbalance-")
df = pd.read_csv(os.path.join(root, "samples", "credit_data.csv"))
df = df[(df.Status != "bad") | (df.index % 6 == 0)].reset_index(drop=True)
df.to_csv(os.path.join(work, "skewed.csv"), index=False)
train_idx, test_idx = train_test_split(np.arange(len(df)), test_size=0.25, stratify=df.Status, random_state=42)
open(os.path.join(work, "test.txt"), "w").write("\n".join(map(str, sorted(test_idx))) + "\n")
keel = os.environ.get("KEEL") or os.path.join(work, "keel", "keel")  # KEEL: an existing Release build's keel
if not os.environ.get("KEEL"):
    subprocess.run(["dotnet", "build", os.path.join(root, "src", "Keel.Cli"), "-c", "Release", "-o", os.path.dirname(keel), "-v", "q", "-nologo"],
                   check=True, stdout=subprocess.DEVNULL)

cat = [c for c in df.columns if df[c].dtype == object and c != "Status"]
num = [c for c in df.columns if c not in cat and c != "Status"]
X, y = df.drop(columns="Status"), (df.Status == "bad").astype(int).values

def reference(method, seed=0):
    prep = ColumnTransformer([("num", make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()), num),
                              ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="(missing)"), OneHotEncoder(handle_unknown="ignore")), cat)])
    Xtr, ytr = X.iloc[train_idx].copy(), y[train_idx]
    if method not in ("none", "class_weight"):
        # Samplers need complete rows: median / "(missing)" filled first, as Keel measures distances on medians.
        for c in num: Xtr[c] = Xtr[c].fillna(Xtr[c].median())
        for c in cat: Xtr[c] = Xtr[c].fillna("(missing)")
        sampler = {"oversample": RandomOverSampler(random_state=0), "undersample": RandomUnderSampler(random_state=0),
                   "smote_nc": SMOTENC(categorical_features=[X.columns.get_loc(c) for c in cat], k_neighbors=5, random_state=seed),
                   "tomek": TomekLinks()}[method]
        if method == "tomek":
            Xn = Xtr[num].values
            sampler.fit_resample(Xn, ytr)
            Xtr, ytr = Xtr.iloc[sampler.sample_indices_], ytr[sampler.sample_indices_]
        else:
            Xtr, ytr = sampler.fit_resample(Xtr, ytr)
    weights = "balanced" if method == "class_weight" else None
    model = make_pipeline(prep, LogisticRegression(max_iter=2000, class_weight=weights)).fit(Xtr, ytr)
    p = model.predict_proba(X.iloc[test_idx])[:, 1]
    pred = (p > 0.5).astype(int)
    return (roc_auc_score(y[test_idx], p), average_precision_score(y[test_idx], p), recall_score(y[test_idx], pred),
            balanced_accuracy_score(y[test_idx], pred), len(ytr))

def keel_run(method, seed=None):
    spec = os.path.join(work, f"{method}.yaml")
    extra = "" if method == "none" else "imbalance: {class_weight: balanced}\n" if method == "class_weight" else f"imbalance: {{method: {method}, k: 5{'' if seed is None else f', seed: {seed}'}}}\n"
    open(spec, "w").write(f"data: {{path: skewed.csv, label: Status, positive_class: bad}}\nsplit: {{strategy: predefined, predefined: {{test_rows: test.txt}}, validation_fraction: 0, refit: false}}\nmodels: [linear]\n{extra}register: {{enabled: false}}\nevaluation: {{bootstrap: 0}}\n")
    out = subprocess.run([keel, "run", spec, "--store", os.path.join(work, "store"), "--json"], capture_output=True, text=True)
    if out.returncode != 0: sys.exit(out.stderr)
    m = json.loads(out.stdout)["candidates"][0]["test_metrics"]
    return m["auc"], m["pr_auc"], m["recall.bad"], m["balanced_accuracy"]

print(f"skewed credit_data: {len(df)} rows, {y.mean():.1%} bad; train {len(train_idx)}, test {len(test_idx)}")
print(f"{'method':<12} {'keel auc':>9} {'ref auc':>8} {'keel pr_auc':>12} {'ref pr_auc':>11} {'keel rec':>9} {'ref rec':>8} {'keel bacc':>10} {'ref bacc':>9} {'ref train rows':>15}")
for method in ["none", "class_weight", "oversample", "undersample", "smote_nc", "tomek"]:
    ka, kp, kr, kb = keel_run(method)
    ra, rp, rr, rb, n = reference(method)
    print(f"{method:<12} {ka:9.4f} {ra:8.4f} {kp:12.4f} {rp:11.4f} {kr:9.4f} {rr:8.4f} {kb:10.4f} {rb:9.4f} {n:15d}")

# SMOTE-NC's draws differ between the two (different generators): five seeds a side, test AUC mean and standard deviation.
keel_aucs = [keel_run("smote_nc", seed)[0] for seed in range(5)]
ref_aucs = [reference("smote_nc", seed)[0] for seed in range(5)]
print(f"smote_nc, seeds 0-4: keel auc {np.mean(keel_aucs):.4f} (sd {np.std(keel_aucs):.4f}), ref auc {np.mean(ref_aucs):.4f} (sd {np.std(ref_aucs):.4f})")
