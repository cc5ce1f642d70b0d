"""The eight-plus-dataset table: Keel's default `keel run` against the peers of ../shared/bench/reference.py on the same test rows.

Steps (from the repository root; heavy parts under the shared bench lock):
  apt-get install -y r-cran-modeldata python3-sklearn python3-xgboost python3-pandas
  (cd bench/tabular8 && Rscript export.R)                 # data/NAME.csv from Debian's r-cran-modeldata
  flock /tmp/keel-bench.lock /usr/bin/python3 bench/tabular8/run.py [--keel path/to/keel.dll] [--reuse-peers] [NAME ...]

Peers: reference.py itself is executed with its SETS replaced by these sets (same preprocessing, models and stratified
train_test_split(test_size=0.2, random_state=42)); it writes out/splits/NAME.test.txt and out/reference.json.
Keel: `keel run` with no models and no tuning (default candidates, default selection), split: predefined on those test rows.
Writes out/results.json and prints the markdown table that bench/results.md holds.
"""
import json, os, re, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "out")
sys.path.insert(0, os.path.dirname(HERE))
from compare import keel_run  # noqa: E402 (bench/compare.py: the same default `keel run`)


def option(args, flag, default=None):
    """Removes `FLAG VALUE` from the command line ARGS and returns VALUE (a string); DEFAULT when FLAG is absent."""
    if flag not in args: return default
    i = args.index(flag); value = args[i + 1]; del args[i:i + 2]
    return value


def switch(args, flag):
    """Removes FLAG from the command line ARGS; whether it was there."""
    if flag not in args: return False
    args.remove(flag)
    return True


REFERENCE = os.environ.get("KEEL_REFERENCE", "/work/shared/bench/reference.py")
SETS = [  # name, folder (under bench/tabular8), label, task
    ("attrition", "data", "Attrition", "binary"),
    ("mlc_churn", "data", "churn", "binary"),
    ("cells", "data", "class", "binary"),
    ("stackoverflow", "data", "Remote", "binary"),
    ("hpc_data", "data", "class", "multiclass"),
    ("scat", "data", "Species", "multiclass"),
    ("concrete", "data", "compressive_strength", "regression"),
    ("Sacramento", "data", "price", "regression"),
    ("biomass", "data", "HHV", "regression"),
]
METRIC = {"binary": "auc", "multiclass": "auc_ovr_macro", "regression": "rmse"}


def peers(sets):
    """Runs reference.py with its SETS replaced; its paths resolve under OUT (splits, reference.json) and HERE (data)."""
    src = open(REFERENCE).read()
    new = "SETS = [\n" + "".join(f"    {s!r},\n" for s in sets) + "]\n"
    src, n = re.subn(r"^SETS = \[.*?^\]\n", new, src, count=1, flags=re.S | re.M)
    assert n == 1, "reference.py: SETS block not found"
    os.makedirs(OUT, exist_ok=True)
    exec(compile(src, REFERENCE, "exec"), {"__file__": os.path.join(OUT, "reference.py"), "__name__": "reference"})
    return json.load(open(os.path.join(OUT, "reference.json")))


def keel(name, folder, label, keel_dll, store):
    return keel_run(f"tabular8-{name}", os.path.join(HERE, folder, name + '.csv'),
                    os.path.join(OUT, 'splits', name + '.test.txt'), label, keel_dll, store)


def main():
    args = sys.argv[1:]
    keel_dll = option(args, "--keel")
    if keel_dll is None:
        subprocess.run(["dotnet", "build", "src/Keel.Cli", "-c", "Release", "-v", "q", "-nologo"], cwd=ROOT, check=True)
        keel_dll = os.path.join(ROOT, "src", "Keel.Cli", "bin", "Release", "net10.0", "keel.dll")
    # With --reuse-peers the peers were written by an earlier (or a concurrent) run: out/splits and out/reference.json.
    reuse = switch(args, "--reuse-peers")
    sets = [s for s in SETS if not args or s[0] in args]
    if not reuse:
        peers(sets)
    store = tempfile.mkdtemp(prefix="keel-tabular8-")
    # Each process keeps its own file (several may run at once on different sets); the table merges them all.
    path = os.path.join(OUT, f"results-{'-'.join(s[0] for s in sets)}.json" if args else "results.json")
    results = json.load(open(path)) if os.path.exists(path) else {}
    for name, folder, label, task in sets:
        k, wall = keel(name, folder, label, keel_dll, store)
        results[name] = {"task": task, "keel": k, "keel_wall_s": wall}
        json.dump(results, open(path, "w"), indent=1)
        print(name, k["selected"], k["final"]["test_metrics"].get(METRIC[task]), flush=True)
    if os.path.exists(os.path.join(OUT, "reference.json")): print(table(merged(), json.load(open(os.path.join(OUT, "reference.json")))))


def merged():
    """Every results*.json under out/, later files overriding earlier ones per set."""
    out = {}
    for f in sorted(os.listdir(OUT)):
        if f.startswith("results") and f.endswith(".json"): out.update(json.load(open(os.path.join(OUT, f))))
    return out


def ensemble(k, metric):
    """The out-of-fold ensemble's members and weights, its (nested) cv mean and its test figure; '—' when the run made none."""
    e = next((c for c in k["candidates"] if c["name"] == "ensemble"), None)
    if e is None: return "—"
    p = e["params"]; w = " ".join(f"{a}×{b}" for a, b in zip(p["members"].split(","), p["weights"].split(",")))
    return f"{w}: {e['validation_metrics'][metric]:.4f}, {e['test_metrics'][metric]:.4f}"


def table(results, ref):
    lines = ["| data | task | rows | metric | best peer | best peer test | keel selected | keel test | keel − best | within goal | ensemble (weights): cv, test |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    gaps = []
    for name, _, _, _ in SETS:
        if name not in results or name not in ref: continue
        r = results[name]; r["rows"] = ref[name]["rows"]
        m = METRIC[r["task"]]; lower = m == "rmse"
        models = {k: v for k, v in ref[name]["models"].items() if not k.startswith("dummy")}
        best = min(models, key=lambda k: models[k][m]) if lower else max(models, key=lambda k: models[k][m])
        b = models[best][m]; v = r["keel"]["final"]["test_metrics"][m]
        if lower:
            rel = (v - b) / b; ok = rel <= 0.02; gap = f"{rel * 100:+.1f} % rmse"; gaps.append(-rel)
        else:
            ok = v >= b - 0.005; gap = f"{v - b:+.4f}"; gaps.append(v - b)
        sel = r["keel"]["selected"]; sel_info = r["keel"].get("selection", {})
        if sel_info.get("within_noise"): sel += f" (tied: {', '.join(sel_info['within_noise'])})"
        lines.append(f"| {name} | {r['task']} | {r['rows']} | {m} | {best} | {b:.4f} | {sel} | {v:.4f} | {gap} | {'yes' if ok else 'no'} | {ensemble(r['keel'], m)} |")
    mean = sum(gaps) / len(gaps) if gaps else float("nan")
    lines.append("")
    lines.append(f"Mean margin over the best peer: {mean:+.4f} (AUC difference, or relative RMSE improvement, averaged over {len(gaps)} sets; positive = Keel ahead).")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
