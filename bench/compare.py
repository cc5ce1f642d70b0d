"""Keel against scikit-learn on the same fixed splits, measured side by side in one run.

Run from the repository root:  /usr/bin/python3 bench/compare.py   (needs Debian's python3-sklearn python3-pandas)
For each data set it trains scikit-learn's HistGradientBoosting and LogisticRegression/Ridge with the preprocessing of
../shared/bench/reference.py, and runs `keel run` with `split: predefined` on the very same test rows
(samples/splits/NAME.test.txt, made by reference.py). It writes bench/results.md and bench/out/results.json.
Ratios are keel / scikit-learn; quality is compared as a difference, time as a ratio.
"""
import json, os, subprocess, sys, tempfile, time
import numpy as np, pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn import metrics

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETS = [("credit_data", "Status", "binary", "auc"), ("penguins", "Species", "multiclass", "macro_f1"), ("ames", "Sale_Price", "regression", "rmse")]


def prep(X):
    cat = [c for c in X.columns if X[c].dtype == object or X[c].dtype == bool]
    num = [c for c in X.columns if c not in cat]
    return ColumnTransformer([("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
                              ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore", sparse_output=False)), cat)])


def sklearn_side(name, label, task):
    df = pd.read_csv(os.path.join(ROOT, "samples", name + ".csv"))
    df = df[df[label].notna()].reset_index(drop=True)
    y = df[label]; X = df.drop(columns=[label])
    te = np.loadtxt(os.path.join(ROOT, "samples", "splits", name + ".test.txt"), dtype=int)
    tr = np.setdiff1d(np.arange(len(df)), te)
    out = {}
    if task == "regression":
        models = {"hist_gbm": HistGradientBoostingRegressor(random_state=0), "ridge": Ridge()}
    else:
        models = {"hist_gbm": HistGradientBoostingClassifier(random_state=0), "logistic": LogisticRegression(max_iter=1000)}
    classes = sorted(y.unique()) if task != "regression" else None
    yenc = y.map({c: i for i, c in enumerate(classes)}) if classes else y
    for mname, m in models.items():
        pipe = make_pipeline(prep(X), m)
        t0 = time.perf_counter(); pipe.fit(X.iloc[tr], yenc.iloc[tr]); t1 = time.perf_counter()
        if task == "regression":
            p = pipe.predict(X.iloc[te]); t2 = time.perf_counter()
            r = {"rmse": float(np.sqrt(metrics.mean_squared_error(yenc.iloc[te], p))), "r2": float(metrics.r2_score(yenc.iloc[te], p))}
        else:
            pr = pipe.predict_proba(X.iloc[te]); t2 = time.perf_counter()
            r = {"accuracy": float(metrics.accuracy_score(yenc.iloc[te], pr.argmax(1))), "macro_f1": float(metrics.f1_score(yenc.iloc[te], pr.argmax(1), average="macro"))}
            if task == "binary":
                r["auc"] = float(metrics.roc_auc_score(yenc.iloc[te], pr[:, 1]))
        r["train_s"] = t1 - t0
        r["predict_us_per_row"] = (t2 - t1) / len(te) * 1e6
        out[mname] = r
    return out


def keel_run(experiment, data, test_rows, label, keel_dll, store):
    """`keel run --json` of the default spec on DATA with the committed TEST_ROWS: (its JSON, wall seconds). Also used by
    bench/tabular8/run.py."""
    spec = f"""experiment: {experiment}
data: {{path: {data}, label: {label}}}
split: {{strategy: predefined, predefined: {{test_rows: {test_rows}}}}}
register: {{enabled: false}}
seed: 42
"""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(spec)
    t0 = time.perf_counter()
    res = subprocess.run(["dotnet", keel_dll, "run", f.name, "--json", "--store", store], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        sys.exit(f"keel run failed for {experiment}: {res.stderr}")
    return json.loads(res.stdout), wall


def keel_side(name, label, task, keel_dll, store):
    return keel_run(f"bench-{name}", os.path.join(ROOT, 'samples', name + '.csv'),
                    os.path.join(ROOT, 'samples', 'splits', name + '.test.txt'), label, keel_dll, store)


def main():
    subprocess.run(["dotnet", "build", "src/Keel.Cli", "-c", "Release", "-v", "q", "-nologo"], cwd=ROOT, check=True)
    keel_dll = os.path.join(ROOT, "src", "Keel.Cli", "bin", "Release", "net10.0", "keel.dll")
    store = tempfile.mkdtemp(prefix="keel-bench-")
    rows, everything = [], {}
    for name, label, task, metric in SETS:
        sk = sklearn_side(name, label, task)
        k, wall = keel_side(name, label, task, keel_dll, store)
        everything[name] = {"sklearn": sk, "keel": k, "keel_wall_s": wall}
        final = k["final"]["test_metrics"][metric]
        by_name = {c["name"]: c for c in k["candidates"]}
        sel = k["final"]
        hgb = sk["hist_gbm"]
        diff = final - hgb[metric]
        rows.append(f"| {name} | {metric} | {k['selected']} | {final:.4f} | {hgb[metric]:.4f} | {diff:+.4f} | "
                    f"{sel['train_seconds']:.3f} | {hgb['train_s']:.3f} | {sel['train_seconds'] / hgb['train_s']:.2f} | "
                    f"{sel['predict_us_per_row']:.1f} | {hgb['predict_us_per_row']:.1f} | {sel['predict_us_per_row'] / hgb['predict_us_per_row']:.2f} |")
        for c in k["candidates"]:
            v = c["test_metrics"].get(metric, float("nan"))
            print(f"  {name:12s} keel {c['name']:12s} test {metric} {v:.4f}  train {c['train_seconds']:.3f}s", flush=True)
        for m, r in sk.items():
            print(f"  {name:12s} sklearn {m:9s} test {metric} {r[metric]:.4f}  train {r['train_s']:.3f}s", flush=True)
    os.makedirs(os.path.join(ROOT, "bench", "out"), exist_ok=True)
    json.dump(everything, open(os.path.join(ROOT, "bench", "out", "results.json"), "w"), indent=1)
    import platform, sklearn
    head = ["# Keel vs scikit-learn on identical splits", "",
            f"Measured in one run of `bench/compare.py` on {platform.node()} ({os.cpu_count()} cores), scikit-learn {sklearn.__version__}.",
            "Test rows: `samples/splits/NAME.test.txt` (scikit-learn's `train_test_split(random_state=42)`, stratified for classification).",
            "Keel chooses among its default candidates on a validation split carved from the training rows, then refits the choice on all",
            "training rows (`split.refit`); scikit-learn's HistGradientBoosting is trained on all training rows with its defaults.",
            "Quality: difference keel − sklearn (for rmse lower is better). Time: keel / sklearn ratio, same machine, same run.", "",
            "| data | metric | keel selected | keel test | sklearn HGB test | difference | keel train s | HGB train s | train ratio | keel µs/row | HGB µs/row | predict ratio |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    detail = ["", "## Every model, same test rows", "",
              "Keel's candidates here are trained on the train split only (64% of rows; the rest of the non-test rows is",
              "validation), scikit-learn's models on all 80% training rows.", "",
              "| data | metric | model | test | train s |", "|---|---|---|---|---|"]
    for name, _, _, metric in SETS:
        for c in everything[name]["keel"]["candidates"]:
            detail.append(f"| {name} | {metric} | keel {c['name']} | {c['test_metrics'].get(metric, float('nan')):.4f} | {c['train_seconds']:.3f} |")
        for m, r in everything[name]["sklearn"].items():
            detail.append(f"| {name} | {metric} | scikit-learn {m} | {r[metric]:.4f} | {r['train_s']:.3f} |")
    # Sections measured by other benchmarks (reading) follow a marker; keep them.
    path = os.path.join(ROOT, "bench", "results.md")
    marker = "<!-- other benchmarks -->"
    kept = open(path).read().split(marker, 1) if os.path.exists(path) else []
    tail = ["", marker + kept[1].rstrip("\n")] if len(kept) == 2 else []
    open(path, "w").write("\n".join(head + rows + detail + tail) + "\n")
    print("\n".join(head + rows))


if __name__ == "__main__":
    main()
