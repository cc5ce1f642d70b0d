"""The nine-set table with `search:` enabled: `keel search SPEC --trials 50` against the best untuned peer of reference.py.

Steps (from the repository root; quality only, so no bench lock):
  (cd bench/tabular8 && Rscript export.R)                                   # data/NAME.csv, as for run.py
  /usr/bin/python3 bench/tabular8/search.py [--keel path/to/keel.dll] [--reuse-peers] [--trials 50] [--workers 1] [--cv] [NAME ...]

Peers and test rows are run.py's (reference.py with its SETS replaced; out/splits/NAME.test.txt, out/reference.json).
Keel: one spec for every set, differing only in data, label and experiment: the default candidates, `split: predefined` on
the same test rows, `search: {}` (the tunable families among the default candidates: linear, lightgbm, fasttree, random_forest;
TPE, median pruner, Keel's default spaces; docs/search.md) and `--trials N` in all
(trial i goes to family i mod 4, so 50 trials are 13/13/12/12). No per-set tuning. The search's final run (each family's best
trial beside the baselines, chosen as the final run chooses, refitted, tested once) gives the test figure.
Trials are scored by 5-fold cv under Keel's default rule (the training rows are few enough), and the final run adds the
out-of-fold `ensemble` of the tuned families (docs/search.md); the table's "ensemble cv / test" column shows it (cv on the
selection metric, test on the table's metric) whether or not it was chosen.
--cv adds `selection: cv` to the split explicitly (the default on these sets now); its results go to
out/search-cv-results*.json and its own table.
Writes out/search-results*.json and prints the markdown table that bench/results.md holds.
"""
import json, os, resource, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "out")
sys.path.insert(0, HERE)
from run import SETS, METRIC, peers, option, switch  # noqa: E402 (the same sets, metrics and peers as the default table)


def spec(name, folder, label, trials, cv):
    """The one spec of the table: only experiment, data and label change between sets."""
    return f"""experiment: tabular8-search-{name}
data: {{path: {os.path.join(HERE, folder, name + '.csv')}, label: {label}}}
split: {{strategy: predefined, predefined: {{test_rows: {os.path.join(OUT, 'splits', name + '.test.txt')}}}{', selection: cv' if cv else ''}}}
register: {{enabled: false}}
seed: 42
search: {{study: tabular8-{name}-{trials}{'-cv' if cv else ''}}}
"""


def keel_search(name, folder, label, keel_dll, store, trials, workers, cv):
    """`keel search --json` of the table's spec: (its JSON, wall seconds, CPU seconds of the keel process). OMP_WAIT_POLICY=PASSIVE
    keeps LightGBM's OpenMP threads from spinning on a busy shared machine (it changes no result)."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(spec(name, folder, label, trials, cv))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(["dotnet", keel_dll, "search", f.name, "--json", "--store", store, "--trials", str(trials), "--workers", str(workers)],
                         capture_output=True, text=True, env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if res.returncode != 0:
        sys.exit(f"keel search failed for {name}: {res.stderr[-4000:]}")
    return json.loads(res.stdout), wall, cpu


def main():
    args = sys.argv[1:]
    keel_dll = option(args, "--keel")
    if keel_dll is None:
        subprocess.run(["dotnet", "build", "src/Keel.Cli", "-c", "Release", "-v", "q", "-nologo"], cwd=ROOT, check=True)
        keel_dll = os.path.join(ROOT, "src", "Keel.Cli", "bin", "Release", "net10.0", "keel.dll")
    trials, workers = int(option(args, "--trials", "50")), int(option(args, "--workers", "1"))
    cv = switch(args, "--cv")
    prefix = "search-cv-results" if cv else "search-results"
    reuse = switch(args, "--reuse-peers")
    sets = [s for s in SETS if not args or s[0] in args]
    if not reuse: peers(sets)
    store = tempfile.mkdtemp(prefix="keel-tabular8-search-")
    path = os.path.join(OUT, f"{prefix}-{'-'.join(s[0] for s in sets)}.json" if args else f"{prefix}.json")
    results = json.load(open(path)) if os.path.exists(path) else {}
    for name, folder, label, task in sets:
        k, wall, cpu = keel_search(name, folder, label, keel_dll, store, trials, workers, cv)
        results[name] = {"task": task, "trials": trials, "workers": workers, "keel": k, "wall_s": wall, "cpu_s": cpu}
        json.dump(results, open(path, "w"), indent=1)
        print(name, k["final"]["selected"], k["final"]["final"]["test_metrics"].get(METRIC[task]), f"{wall:.0f}s wall {cpu:.0f}s cpu", flush=True)
    if os.path.exists(os.path.join(OUT, "reference.json")): print(table(merged(prefix), json.load(open(os.path.join(OUT, "reference.json")))))


def merged(prefix="search-results"):
    """Every PREFIX*.json under out/, later files overriding earlier ones per set."""
    files = sorted(f for f in os.listdir(OUT) if f.startswith(prefix) and f.endswith(".json"))
    return {name: r for f in files for name, r in json.load(open(os.path.join(OUT, f))).items()}


def table(results, ref):
    lines = ["| data | task | metric | best untuned peer | peer test | keel search final | keel test | keel − peer | ahead | ensemble cv / test | trials per family (complete/pruned/failed) | wall s | CPU s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    gaps, ahead, n = [], 0, 0
    for name, _, _, _ in SETS:
        if name not in results or name not in ref: continue
        r = results[name]; m = METRIC[r["task"]]; lower = m == "rmse"
        models = {k: v for k, v in ref[name]["models"].items() if not k.startswith("dummy")}
        best = min(models, key=lambda k: models[k][m]) if lower else max(models, key=lambda k: models[k][m])
        b = models[best][m]; final = r["keel"]["final"]; v = final["final"]["test_metrics"][m]
        if lower:
            rel = (v - b) / b; ok = v < b; gap = f"{rel * 100:+.1f} % rmse"; gaps.append(-rel)
        else:
            ok = v > b; gap = f"{v - b:+.4f}"; gaps.append(v - b)
        ahead += ok; n += 1
        sel = final["selected"]
        if final.get("selection", {}).get("mode"): sel += f" ({final['selection']['mode']})"
        ens = next((c for c in final["candidates"] if c["name"] == "ensemble"), None)
        sel_metric = r["keel"]["metric"]
        ens_text = f"{ens['validation_metrics'][sel_metric]:.4f} / {ens['test_metrics'][m]:.4f}" if ens else "—"
        budget = ", ".join(f"{x['family']} {x['trials']} ({x['complete']}/{x['pruned']}/{x['failed']})" for x in r["keel"]["budgets"])
        lines.append(f"| {name} | {r['task']} | {m} | {best} | {b:.4f} | {sel} | {v:.4f} | {gap} | {'yes' if ok else 'no'} | {ens_text} | {budget} | {r['wall_s']:.0f} | {r['cpu_s']:.0f} |")
    return "\n".join(lines + ["", f"Ahead of the best untuned peer on {ahead} of {n} sets; mean margin {sum(gaps) / max(1, len(gaps)):+.4f} "
                                    "(AUC difference, or relative RMSE improvement; positive = Keel ahead)."])


if __name__ == "__main__":
    main()
