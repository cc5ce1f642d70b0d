"""The nine-set comparison repeated over other stratified 80/20 splits: how much of a gap on the one fixed split is the split.

The table of run.py scores Keel and the peers on one split (random_state=42). With a few hundred test rows, one split's AUC
moves by about 0.02 between draws, and "the best peer" is the best of four models on those very test rows (chosen after the
fact), while Keel chooses before it sees them. This script reruns both sides on N more splits, same code, same rules:

  /usr/bin/python3 bench/tabular8/splits.py [--keel path/to/keel.dll] [--splits N] [--first SEED] [--out FILE] [--reuse-peers] [SET ...]

Per split seed S (default 1..N; 42 is the table's own split): reference.py executed with its SETS replaced and its split's
random_state=S (its preprocessing, models and stratification unchanged), writing out/splits-S/; then the default `keel run`
on the same test rows (bench/compare.py's keel_run: no per-set tuning). Results accumulate in out/splits.json (or --out FILE under out/; a rerun skips the
(set, seed) pairs already there; --reuse-peers takes a split's peer figures from its out/splits-S/reference.json when that
already holds every set asked for: the peers are seeded, so only Keel is rerun) and the summary printed is what bench/results.md holds: per set, Keel against the best of four
peers on each split's test rows; then Keel's mean test figure against the peer whose mean is best (on_average).
"""
import json, os, re, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "out")
sys.path.insert(0, HERE)
from run import SETS, METRIC, REFERENCE, option, switch  # noqa: E402


def peers(sets, seed, reuse=False):
    """reference.py with SETS replaced and its split drawn with random_state=SEED; returns its reference.json for that split
    (with reuse, the one already there when it holds every set)."""
    folder = os.path.join(OUT, f"splits-{seed}")
    done = os.path.join(folder, "reference.json")
    if reuse and os.path.exists(done):
        written = json.load(open(done))
        if all(s[0] in written for s in sets): return written
    src = open(REFERENCE).read()
    # reference.py reads ROOT/folder/NAME.csv with ROOT = dirname(dirname(__file__)) = out/: the data folder is ../data from there.
    new = "SETS = [\n" + "".join(f"    {(s[0], os.path.join('..', s[1])) + tuple(s[2:])!r},\n" for s in sets) + "]\n"
    src, n = re.subn(r"^SETS = \[.*?^\]\n", new, src, count=1, flags=re.S | re.M)
    assert n == 1, "reference.py: SETS block not found"
    src, n = re.subn(r"random_state=42, stratify", f"random_state={seed}, stratify", src)
    assert n == 1, "reference.py: the split's random_state=42 not found"
    os.makedirs(folder, exist_ok=True)
    exec(compile(src, REFERENCE, "exec"), {"__file__": os.path.join(folder, "reference.py"), "__name__": "reference"})
    return json.load(open(done))


def main():
    args = sys.argv[1:]
    keel_dll = option(args, "--keel")
    n = int(option(args, "--splits", "10")); first = int(option(args, "--first", "1"))
    path = os.path.join(OUT, option(args, "--out", "splits.json"))
    reuse = switch(args, "--reuse-peers")
    if keel_dll is None:
        subprocess.run(["dotnet", "build", "src/Keel.Cli", "-c", "Release", "-v", "q", "-nologo"], cwd=ROOT, check=True)
        keel_dll = os.path.join(ROOT, "src", "Keel.Cli", "bin", "Release", "net10.0", "keel.dll")
    sets = [s for s in SETS if not args or s[0] in args]
    results = json.load(open(path)) if os.path.exists(path) else {}
    store = tempfile.mkdtemp(prefix="keel-splits-")
    for seed in range(first, first + n):
        todo = [s for s in sets if str(seed) not in results.get(s[0], {})]
        if not todo: continue
        ref = peers(todo, seed, reuse)
        for name, folder, label, task in todo:
            test_rows = os.path.join(OUT, f"splits-{seed}", "splits", name + ".test.txt")
            k, wall = keel_at(name, folder, label, keel_dll, store, test_rows)
            m = METRIC[task]
            results.setdefault(name, {})[str(seed)] = {
                "task": task,
                "peers": {p: v[m] for p, v in ref[name]["models"].items() if not p.startswith("dummy")},
                "keel": k["final"]["test_metrics"][m], "selected": k["selected"],
                "candidates": {c["name"]: {"cv": c["validation_metrics"].get(k["selection_metric"]), "cv_metric": c["validation_metrics"].get(m),
                                             "test": c["test_metrics"].get(m)}
                               for c in k["candidates"] if not c.get("baseline")},
                "selection_metric": k["selection_metric"], "keel_wall_s": wall}
            json.dump(results, open(path, "w"), indent=1)
            print(seed, name, k["selected"], round(results[name][str(seed)]["keel"], 4), flush=True)
    print(summary(results, [s[0] for s in sets]))


def keel_at(name, folder, label, keel_dll, store, test_rows):
    """run.py's keel() with another split's test rows."""
    from compare import keel_run
    return keel_run(f"splits-{name}", os.path.join(HERE, folder, name + ".csv"), test_rows, label, keel_dll, store)


def margin(task, keel_value, peer_value):
    """Keel's margin over a peer: AUC difference, or relative RMSE improvement (positive = Keel ahead), and whether within goal."""
    if METRIC[task] == "rmse":
        rel = (keel_value - peer_value) / peer_value
        return -rel, rel <= 0.02
    return keel_value - peer_value, keel_value >= peer_value - 0.005


def summary(results, names):
    lines = ["| data | splits | Keel − best peer on its test rows: mean (min, max) | within goal | Keel − each peer, mean over splits | peer best on test, per split | Keel selected, per split |",
             "|---|---|---|---|---|---|---|"]
    means = []
    for name in names:
        runs = results.get(name, {})
        if not runs: continue
        task = next(iter(runs.values()))["task"]; lower = METRIC[task] == "rmse"
        gaps, within, per_peer, winners, chosen = [], 0, {}, {}, {}
        for r in runs.values():
            best = (min if lower else max)(r["peers"], key=r["peers"].get)
            g, ok = margin(task, r["keel"], r["peers"][best])
            gaps.append(g); within += ok; winners[best] = winners.get(best, 0) + 1; chosen[r["selected"]] = chosen.get(r["selected"], 0) + 1
            for p, v in r["peers"].items(): per_peer.setdefault(p, []).append(margin(task, r["keel"], v)[0])
        mean = statistics.mean(gaps); means.append(mean)
        unit = " (rel. rmse)" if lower else ""
        lines.append(f"| {name} | {len(gaps)} | {mean:+.4f} ({min(gaps):+.4f}, {max(gaps):+.4f}){unit} | {within} of {len(gaps)} | "
                     + ", ".join(f"{p} {statistics.mean(v):+.4f}" for p, v in per_peer.items()) + " | "
                     + ", ".join(f"{p}×{c}" for p, c in sorted(winners.items(), key=lambda x: -x[1])) + " | "
                     + ", ".join(f"{p}×{c}" for p, c in sorted(chosen.items(), key=lambda x: -x[1])) + " |")
    if means: lines += ["", f"Mean over sets of the mean margin: {statistics.mean(means):+.4f}."]
    return "\n".join(lines) + "\n\n" + on_average(results, names)


def on_average(results, names):
    """Keel's mean test figure over the splits against the peer whose mean is best (a choice a user could make before seeing any
    test rows), with the issue's goal (within 0.005 AUC or 2 % rmse) applied to those means."""
    lines = ["| data | splits | Keel, mean test | best peer on average | Keel − it | within goal |", "|---|---|---|---|---|---|"]
    margins = []
    for name in names:
        runs = results.get(name, {})
        if not runs: continue
        task = next(iter(runs.values()))["task"]; lower = METRIC[task] == "rmse"
        keel = statistics.mean(r["keel"] for r in runs.values())
        peers = {p: statistics.mean(r["peers"][p] for r in runs.values()) for p in next(iter(runs.values()))["peers"]}
        best = (min if lower else max)(peers, key=peers.get)
        g, ok = margin(task, keel, peers[best]); margins.append(g)
        unit = " (rel. rmse)" if lower else ""
        lines.append(f"| {name} | {len(runs)} | {keel:.4f} | {best} {peers[best]:.4f} | {g:+.4f}{unit} | {'yes' if ok else 'no'} |")
    if margins: lines += ["", f"Mean over sets of Keel's margin over the peer best on average: {statistics.mean(margins):+.4f}."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
