"""CPU seconds of one `keel run` (5-fold cv selection, refit, test) with a single candidate, fastforest against random_forest,
on the same sets, folds and test rows as variants.py. CPU seconds (user + system of the keel process and its children) do
not depend much on load; wall seconds do and are printed only as a hint.

  /usr/bin/python3 bench/tabular8/forest_cost.py [--keel path/to/keel.dll] [--models fastforest,random_forest] [SET ...]

Writes out/forest-cost-SETS.json.
"""
import json, os, resource, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")
sys.path.insert(0, HERE)
from variants import ROOT, SAMPLES, spec  # noqa: E402
from run import SETS  # noqa: E402


def main():
    args = sys.argv[1:]
    keel_dll = os.path.join(ROOT, "src", "Keel.Cli", "bin", "Release", "net10.0", "keel.dll")
    if "--keel" in args:
        i = args.index("--keel"); keel_dll = args[i + 1]; del args[i:i + 2]
    models = ["fastforest", "random_forest"]
    if "--models" in args:
        i = args.index("--models"); models = args[i + 1].split(","); del args[i:i + 2]
    sets = [(n, os.path.join(HERE, f, n + ".csv"), os.path.join(OUT, "splits", n + ".test.txt"), l) for n, f, l, _ in SETS]
    sets += [(n, os.path.join(ROOT, "samples", n + ".csv"), os.path.join(ROOT, "samples", "splits", n + ".test.txt"), l) for n, l, _ in SAMPLES]
    sets = [s for s in sets if not args or s[0] in args]
    store = tempfile.mkdtemp(prefix="keel-forest-cost-")
    results = {}
    for name, data, test_rows, label in sets:
        results[name] = {}
        for m in models:
            with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
                f.write(spec(name, data, test_rows, label, {m: (m, {})}))
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            res = subprocess.run(["dotnet", keel_dll, "run", f.name, "--json", "--store", store], capture_output=True, text=True)
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if res.returncode != 0:
                print(name, m, "failed:", res.stderr[-1000:], flush=True); continue
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            results[name][m] = {"cpu_s": round(cpu, 2), "wall_s": round(wall, 2)}
            print(name, m, f"cpu {cpu:.1f} s, wall {wall:.1f} s", flush=True)
        json.dump(results, open(os.path.join(OUT, f"forest-cost-{'-'.join(s[0] for s in sets)}.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
