"""Is a fixed-split gap between Keel's default `keel run` and the best peer more than the noise of those test rows?

For the binary sets of run.py, on the table's own split: the peers of ../shared/bench/reference.py are trained again exactly as
reference.py trains them (its source, executed with its SETS replaced, in a scratch folder so out/ is untouched) and their
test-row probabilities kept; Keel's default `keel run` registers its model in a scratch store and `keel predict` scores the
same rows. Then, for Keel's model against the best peer on those rows (and every other peer):
  - DeLong's test of the paired AUC difference (Sun and Xu's fast algorithm): the difference, its standard error, two-sided p;
  - a paired bootstrap of the difference (2,000 resamples of the test rows, seeded): its 95 % interval.
Both sides predict the same rows, so the test rows' own difficulty cancels; what is left is how much the two models' rankings
differ on those rows.

  /usr/bin/python3 bench/tabular8/significance.py --keel path/to/keel.dll [NAME ...]

Needs run.py's data (`Rscript export.R`) and its split files (out/splits/NAME.test.txt, from run.py). Writes
out/significance.json and prints a markdown table.
"""
import json, os, re, shutil, subprocess, sys, tempfile

import csv

import numpy as np
from scipy import stats
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")
sys.path.insert(0, HERE)
from run import SETS, REFERENCE, option  # noqa: E402

BINARY = [s for s in SETS if s[3] == "binary"]


def peer_predictions(sets):
    """reference.py's binary peers on the table's split: {set: {"y": test labels 0/1, "rows": test rows, model: p(positive)}}."""
    scratch = tempfile.mkdtemp(prefix="keel-significance-")
    os.makedirs(os.path.join(scratch, "out"))
    os.symlink(os.path.join(HERE, "data"), os.path.join(scratch, "data"))
    src = open(REFERENCE).read()
    src, n = re.subn(r"^SETS = \[.*?^\]\n", "SETS = [\n" + "".join(f"    {s!r},\n" for s in sets) + "]\n", src, count=1, flags=re.S | re.M)
    assert n == 1, "reference.py: SETS block not found"
    keep = "pr = pipe.predict_proba(Xte); t3 = time.perf_counter(); pl = pr.argmax(1)"
    assert src.count(keep) == 1, "reference.py: the predict_proba line changed"
    src = src.replace(keep, keep + "; PRED.setdefault(name, {'y': yte.tolist(), 'rows': te.tolist()})[mname] = pr[:, 1].tolist()")
    scope = {"__file__": os.path.join(scratch, "out", "reference.py"), "__name__": "reference", "PRED": {}}
    exec(compile(src, REFERENCE, "exec"), scope)
    reference = json.load(open(os.path.join(scratch, "out", "reference.json")))
    shutil.rmtree(scratch)
    return scope["PRED"], reference


def keel_predictions(name, label, keel_dll, store):
    """Keel's default `keel run` on the table's split, registered in STORE; its model's p(positive) for every data row."""
    data = os.path.join(HERE, "data", name + ".csv")
    spec = os.path.join(store, name + ".yaml")
    with open(spec, "w") as f:
        f.write(f"experiment: significance-{name}\ndata: {{path: {data}, label: {label}}}\n"
                f"split: {{strategy: predefined, predefined: {{test_rows: {os.path.join(OUT, 'splits', name + '.test.txt')}}}}}\n"
                f"register: {{name: sig-{name}, alias: champion, gates: []}}\nseed: 42\n")
    run = subprocess.run(["dotnet", keel_dll, "run", spec, "--json", "--store", store], capture_output=True, text=True)
    if run.returncode != 0: sys.exit(f"keel run {name}: {run.stderr}")
    k = json.loads(run.stdout)
    out = os.path.join(store, name + ".predictions.csv")
    pred = subprocess.run(["dotnet", keel_dll, "predict", "--model", f"sig-{name}@champion", "--input", data, "--output", out, "--store", store],
                          capture_output=True, text=True)
    if pred.returncode != 0: sys.exit(f"keel predict {name}: {pred.stderr}")
    return k, out


def delong(y, a, b):
    """DeLong's test of AUC(a) − AUC(b) on the same rows (Sun and Xu 2014's midrank algorithm): (difference, se, two-sided p)."""
    y = np.asarray(y); pos, neg = y == 1, y == 0
    m, n = pos.sum(), neg.sum()
    v10, v01, aucs = [], [], []
    for s in (np.asarray(a, float), np.asarray(b, float)):
        x, z = s[pos], s[neg]
        tx, tz, tall = stats.rankdata(x), stats.rankdata(z), stats.rankdata(np.concatenate([x, z]))
        auc = (tall[:m].sum() - m * (m + 1) / 2) / (m * n)
        v10.append((tall[:m] - tx) / n)        # per positive: share of negatives it outranks
        v01.append(1 - (tall[m:] - tz) / m)    # per negative: share of positives that outrank it
        aucs.append(auc)
    s10, s01 = np.cov(np.array(v10)), np.cov(np.array(v01))
    var = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / m + (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / n
    d = aucs[0] - aucs[1]
    se = float(np.sqrt(var)) if var > 0 else 0.0
    p = float(2 * stats.norm.sf(abs(d) / se)) if se > 0 else 1.0
    return float(d), se, p


def bootstrap(y, a, b, resamples=2000, seed=7):
    """Paired bootstrap of AUC(a) − AUC(b) over the test rows: its 2.5 % and 97.5 % quantiles."""
    y = np.asarray(y); a = np.asarray(a); b = np.asarray(b); rng = np.random.RandomState(seed); diffs = []
    while len(diffs) < resamples:
        i = rng.randint(0, len(y), len(y))
        if y[i].min() == y[i].max(): continue
        diffs.append(roc_auc_score(y[i], a[i]) - roc_auc_score(y[i], b[i]))
    return float(np.percentile(diffs, 2.5)), float(np.percentile(diffs, 97.5))


def main():
    args = sys.argv[1:]
    keel_dll = option(args, "--keel")
    if keel_dll is None: sys.exit("--keel path/to/keel.dll is required (a Release build)")
    sets = [s for s in BINARY if not args or s[0] in args]
    peers, reference = peer_predictions(sets)
    store = tempfile.mkdtemp(prefix="keel-significance-store-")
    results, lines = {}, ["| data | test rows (positives) | Keel selected | Keel AUC | best peer | peer AUC | difference | DeLong se | p | bootstrap 95 % |",
                          "|---|---|---|---|---|---|---|---|---|---|"]
    for name, _, label, _ in sets:
        p = peers[name]; y = p["y"]; rows = p["rows"]
        for model, r in reference[name]["models"].items():  # the re-run peers are reference.py's, figure for figure
            if model in p: assert abs(r["auc"] - roc_auc_score(y, p[model])) < 1e-12, (name, model)
        k, path = keel_predictions(name, label, keel_dll, store)
        # reference.py's positive class (the second label in sorted order); AUC is the same from either class's side.
        positive = reference[name]["models"]["logistic"]["positive_class"]
        by_row = {int(r["row"]): float(r[f"p_{positive}"]) for r in csv.DictReader(open(path))}
        keel_p = [by_row[i] for i in rows]
        keel_auc = roc_auc_score(y, keel_p)
        assert abs(keel_auc - k["final"]["test_metrics"]["auc"]) < 1e-6, (name, keel_auc, k["final"]["test_metrics"]["auc"])
        peers_only = {m: v for m, v in p.items() if m not in ("y", "rows") and not m.startswith("dummy")}
        best = max(peers_only, key=lambda m: roc_auc_score(y, peers_only[m]))
        results[name] = {"selected": k["selected"], "keel_auc": keel_auc, "positives": int(sum(y)), "test_rows": len(y), "peers": {}}
        for m, v in peers_only.items():
            d, se, pv = delong(y, keel_p, v); lo, hi = bootstrap(y, keel_p, v)
            results[name]["peers"][m] = {"auc": roc_auc_score(y, v), "difference": d, "se": se, "p": pv, "bootstrap_95": [lo, hi]}
        b = results[name]["peers"][best]
        lines.append(f"| {name} | {len(y)} ({sum(y)}) | {k['selected']} | {keel_auc:.4f} | {best} | {b['auc']:.4f} | {b['difference']:+.4f} | "
                     f"{b['se']:.4f} | {b['p']:.3f} | [{b['bootstrap_95'][0]:+.4f}, {b['bootstrap_95'][1]:+.4f}] |")
        print(lines[-1], flush=True)
    json.dump(results, open(os.path.join(OUT, "significance.json"), "w"), indent=1)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
