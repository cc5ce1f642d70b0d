"""Candidate-default variants side by side: one `keel run` per data set listing every variant as its own named candidate, so all
variants share the run's cv folds and test rows. Prints each variant's cv mean (what selection sees) and test metric.

  /usr/bin/python3 bench/tabular8/variants.py --keel path/to/keel.dll [--models lightgbm|fasttree|fastforest|random_forest|rf_trees]
      [--seed N] [--split S] [SET ...]

Sets: the nine of run.py (after run.py has written out/splits) and the three samples of bench/compare.py (credit_data,
penguins, ames). The variants tried for the defaults are listed in VARIANTS; results go to out/variants-MODELS-SETS.json. With --split S the nine
sets use the test rows of splits.py's split seed S (out/splits-S/splits, written by splits.py) instead of the table's split,
and the file name ends in -splitS.
"""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "out")
sys.path.insert(0, HERE)
from run import SETS, METRIC, option  # noqa: E402

SAMPLES = [("credit_data", "Status", "binary"), ("penguins", "Species", "multiclass"), ("ames", "Sale_Price", "regression")]
COST = ("train_seconds", "predict_us_per_row", "model_bytes")  # per candidate in `keel run --json`; timings depend on load
SAMPLE_METRIC = {"binary": "auc", "multiclass": "macro_f1", "regression": "rmse"}  # bench/compare.py's

VARIANTS = {
    # LightGBM's native categorical splits (the default) against one-hot slots, 2026-11-27 (bench/results.md).
    "lgbcat": {"lgb_cat": {"type": "lightgbm"}, "lgb_nocat": {"type": "lightgbm", "categorical_split": "false"}},
    # Small categorical columns one-hot under native splits (maximum_one_hot_categories, LightGBM's max_cat_to_onehot), 2026-11-27.
    "lgbonehot": {"lgb_oh0": {"type": "lightgbm"}, "lgb_oh4": {"type": "lightgbm", "maximum_one_hot_categories": 4},
                  "lgb_oh10": {"type": "lightgbm", "maximum_one_hot_categories": 10},
                  "lgb_nocat": {"type": "lightgbm", "categorical_split": "false"}},
    # lightgbm nearer HistGradientBoosting's defaults (rate 0.1, 100 rounds, no early stopping, tiny hessian floor), 2026-11-27.
    "lgbhgb": {"lgb_now": {"type": "lightgbm"}, "lgb_lr10": {"type": "lightgbm", "learning_rate": 0.1, "number_of_iterations": 100},
               "lgb_mcw": {"type": "lightgbm", "minimum_child_weight": 0.001}, "lgb_es0": {"type": "lightgbm", "early_stopping_rounds": 0},
               "lgb_lr10_es0": {"type": "lightgbm", "learning_rate": 0.1, "number_of_iterations": 100, "early_stopping_rounds": 0}},
    "lightgbm": {
        "lgb_now": {},
        "lgb_nocat": {"categorical_split": "false"},
        "lgb_l2": {"l2_regularization": 1},
        "lgb_lr10": {"learning_rate": 0.1, "number_of_iterations": 100},
        "lgb_lr10_l2": {"learning_rate": 0.1, "number_of_iterations": 100, "l2_regularization": 1},
        "lgb_leaves15": {"number_of_leaves": 15},
        "lgb_es50": {"early_stopping_rounds": 50, "number_of_iterations": 500},
    },
    "fasttree": {
        "ft_now": {},
        "ft_lr10": {"learning_rate": 0.1, "number_of_trees": 200},
        "ft_lr10_31": {"learning_rate": 0.1, "number_of_trees": 200, "number_of_leaves": 31, "minimum_example_count_per_leaf": 20},
        "ft_lr05": {"learning_rate": 0.05, "number_of_trees": 400},
    },
    "fastforest": {
        "ff_f07": {"feature_fraction": 0.7},
        "ff_f10": {"feature_fraction": 1.0},
        "ff_f05": {"feature_fraction": 0.5},
        "ff_500": {"number_of_trees": 500},
    },
    # Keel's own forest against fastforest's defaults (a "type" key runs the variant as that trainer type).
    "random_forest": {
        "ff_now": {"type": "fastforest"},
        "rf_now": {},
        "rf_leaf3": {"minimum_example_count_per_leaf": 3},
    },
    # The forest's tree count (branch rftrees): scikit-learn's 100 against R randomForest's and ranger's 500. Trees are seeded by
    # (run seed, tree index) alone, so rf_t300's first 100 trees are rf_t100's.
    "rf_trees": {
        "rf_t100": {"type": "random_forest", "number_of_trees": 100},
        "rf_t300": {"type": "random_forest", "number_of_trees": 300},
        "rf_t500": {"type": "random_forest", "number_of_trees": 500},
    },
}


def spec(name, data, test_rows, label, models, seed=42):
    lines = [f"experiment: variants-{name}", f"data: {{path: {data}, label: {label}}}",
             f"split: {{strategy: predefined, predefined: {{test_rows: {test_rows}}}, selection: cv}}",
             "register: {enabled: false}", f"seed: {seed}", "models:"]
    for n, (t, o) in models.items():
        opts = ", ".join(f"{k}: {v}" for k, v in o.items())
        lines.append(f"  - {{name: {n}, type: {t}" + (f", options: {{{opts}}}" if opts else "") + "}")
    return "\n".join(lines) + "\n"


def main():
    args = sys.argv[1:]
    keel_dll = option(args, "--keel", os.path.join(ROOT, "src", "Keel.Cli", "bin", "Release", "net10.0", "keel.dll"))
    seed = int(option(args, "--seed", "42"))
    families = option(args, "--models", ",".join(VARIANTS)).split(",")
    split = option(args, "--split")
    split = None if split is None else int(split)
    splits_dir = os.path.join(OUT, "splits") if split is None else os.path.join(OUT, f"splits-{split}", "splits")
    sets = [(n, os.path.join(HERE, f, n + ".csv"), os.path.join(splits_dir, n + ".test.txt"), l, t, METRIC[t]) for n, f, l, t in SETS]
    sets += [(n, os.path.join(ROOT, "samples", n + ".csv"), os.path.join(ROOT, "samples", "splits", n + ".test.txt"), l, t, SAMPLE_METRIC[t]) for n, l, t in SAMPLES]
    sets = [s for s in sets if not args or s[0] in args]
    store = tempfile.mkdtemp(prefix="keel-variants-")
    tag = ("" if seed == 42 else f"-seed{seed}") + ("" if split is None else f"-split{split}")
    path = os.path.join(OUT, f"variants-{'-'.join(families)}-{'-'.join(s[0] for s in sets)}{tag}.json")
    results = {}
    for name, data, test_rows, label, task, metric in sets:
        models = {v: (o.get("type", fam), {k: x for k, x in o.items() if k != "type"}) for fam in families for v, o in VARIANTS[fam].items()}
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write(spec(name, data, test_rows, label, models, seed))
        res = subprocess.run(["dotnet", keel_dll, "run", f.name, "--json", "--store", store], capture_output=True, text=True)
        if res.returncode != 0:
            print(name, "failed:", res.stderr[-2000:], flush=True); continue
        out = json.loads(res.stdout)
        rows = {c["name"]: {"cv": c["validation_metrics"].get(metric), "test": c["test_metrics"].get(metric),
                            "cv_sd": (c.get("cross_validation") or {}).get("std", {}).get(metric),
                            "cv_folds": [f.get(metric) for f in (c.get("cross_validation") or {}).get("fold_metrics", [])], "selection": out["selection_metric"],
                            "cv_selection": c["validation_metrics"].get(out["selection_metric"]),
                            **{k: c.get(k) for k in COST}} for c in out["candidates"]}
        results[name] = {"metric": metric, "variants": rows}
        json.dump(results, open(path, "w"), indent=1)
        print(name, metric, "  ".join(f"{k}: cv {v['cv']:.4f} test {v['test']:.4f}" for k, v in rows.items()), flush=True)


if __name__ == "__main__":
    main()
