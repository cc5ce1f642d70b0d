"""Keel's `linear` regression against scikit-learn's Ridge(alpha=1) with the peers' preprocessing, same rows, one run.

Run from the repository root:  /usr/bin/python3 bench/ridge.py   (needs Debian's python3-sklearn python3-pandas)
Both sides learn from the same 80% of rows (Keel: `keel run` with models [linear] and split.refit, so the final model is
trained on train + validation) and are scored on the same 20% (a predefined split). Writes bench/ridge-results.md and
prints the table; the acceptance bar is Keel's test RMSE within 2% of Ridge's.
Extra sets: CSV files named on the command line as PATH:LABEL[:IGNORED,COLUMNS] (e.g. a flights sample).
"""
import json, os, subprocess, sys, tempfile
import numpy as np, pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# name, csv, label, columns both sides ignore (seattle's date would be one-hot per day in the peers' preprocessing)
SETS = [("ames", os.path.join(ROOT, "samples", "ames.csv"), "Sale_Price", []),
        ("seattle-weather", os.path.join(ROOT, "samples", "seattle-weather.csv"), "temp_max", ["date"])]


def prep(X):
    cat = [c for c in X.columns if X[c].dtype == object or X[c].dtype == bool]
    num = [c for c in X.columns if c not in cat]
    return ColumnTransformer([("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
                              ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore", sparse_output=False)), cat)])


def test_rows(name, n):
    fixed = os.path.join(ROOT, "samples", "splits", name + ".test.txt")
    if os.path.exists(fixed):
        return np.loadtxt(fixed, dtype=int)
    _, te = train_test_split(np.arange(n), test_size=0.2, random_state=42)
    return np.sort(te)


def run(name, path, label, ignore, keel_dll, store, out):
    df = pd.read_csv(path, keep_default_na=True)
    df = df[df[label].notna()].reset_index(drop=True)
    te = test_rows(name, len(df))
    tr = np.setdiff1d(np.arange(len(df)), te)
    rows_file = os.path.join(out, name + ".test.txt")
    np.savetxt(rows_file, te, fmt="%d")
    y = df[label].astype(float); X = df.drop(columns=[label] + ignore)
    ridge = make_pipeline(prep(X), Ridge(alpha=1.0)).fit(X.iloc[tr], y.iloc[tr])
    p = ridge.predict(X.iloc[te])
    sk = {"rmse": float(np.sqrt(np.mean((p - y.iloc[te]) ** 2))), "r2": float(1 - np.sum((p - y.iloc[te]) ** 2) / np.sum((y.iloc[te] - y.iloc[te].mean()) ** 2))}
    ign = f", ignore: [{', '.join(ignore)}]" if ignore else ""
    spec = f"""experiment: ridge-{name}
data: {{path: {path}, label: {label}{ign}}}
split: {{strategy: predefined, predefined: {{test_rows: {rows_file}}}}}
register: {{enabled: false}}
models: [linear]
seed: 42
"""
    spec_path = os.path.join(out, name + ".yaml")
    open(spec_path, "w").write(spec)
    res = subprocess.run(["dotnet", keel_dll, "run", spec_path, "--json", "--store", store], capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"keel run failed for {name}: {res.stderr}{res.stdout[-2000:]}")
    k = json.loads(res.stdout)["final"]["test_metrics"]
    return {"rows": len(df), "train": len(tr), "test": len(te), "sklearn": sk, "keel": {"rmse": k["rmse"], "r2": k.get("r2")}}


def main():
    subprocess.run(["dotnet", "build", "src/Keel.Cli", "-c", "Release", "-v", "q", "-nologo"], cwd=ROOT, check=True)
    keel_dll = os.path.join(ROOT, "src", "Keel.Cli", "bin", "Release", "net10.0", "keel.dll")
    out = os.path.join(ROOT, "bench", "out", "ridge"); os.makedirs(out, exist_ok=True)
    store = tempfile.mkdtemp(prefix="keel-ridge-")
    sets = list(SETS)
    for arg in sys.argv[1:]:
        parts = arg.split(":")
        sets.append((os.path.splitext(os.path.basename(parts[0]))[0], os.path.abspath(parts[0]), parts[1], parts[2].split(",") if len(parts) > 2 else []))
    lines = ["| data | rows (train/test) | label | keel linear rmse | sklearn Ridge rmse | keel / Ridge | keel r2 | Ridge r2 |", "|---|---|---|---|---|---|---|---|"]
    results = {}
    for name, path, label, ignore in sets:
        r = run(name, path, label, ignore, keel_dll, store, out)
        results[name] = r
        ratio = r["keel"]["rmse"] / r["sklearn"]["rmse"]
        lines.append(f"| {name} | {r['train']}/{r['test']} | {label} | {r['keel']['rmse']:.4f} | {r['sklearn']['rmse']:.4f} | {ratio:.4f} | "
                     f"{r['keel']['r2']:.4f} | {r['sklearn']['r2']:.4f} |")
        print(lines[-1], flush=True)
    json.dump(results, open(os.path.join(out, "results.json"), "w"), indent=1)
    import sklearn
    head = ["# Keel `linear` regression vs scikit-learn Ridge", "",
            f"Measured by `bench/ridge.py`, scikit-learn {sklearn.__version__}. Same train (80%) and test (20%) rows on both sides;",
            "scikit-learn: median imputation + StandardScaler on numeric columns, one-hot categories, Ridge(alpha=1);",
            "Keel: `keel run` with `models: [linear]` (refit on train + validation). Bar: keel / Ridge RMSE <= 1.02.", ""]
    open(os.path.join(ROOT, "bench", "ridge-results.md"), "w").write("\n".join(head + lines) + "\n")


if __name__ == "__main__":
    main()
