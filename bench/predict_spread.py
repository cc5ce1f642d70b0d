"""Spread of `predict_us_per_row` over identical `keel run`s (same spec, same seed), per candidate.

Run from the repository root:  /usr/bin/python3 bench/predict_spread.py [RUNS] [KEEL_DLL]
Default: 5 runs of the default candidates on samples/credit_data.csv with the Release build of src/Keel.Cli.
Prints each candidate's figures and max/min: timing on a handful of rows once gave a 12x spread between identical runs.
"""
import json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
dll = sys.argv[2] if len(sys.argv) > 2 else None
if dll is None:
    subprocess.run(["dotnet", "build", "src/Keel.Cli", "-c", "Release", "-v", "q", "-nologo"], cwd=ROOT, check=True)
    dll = os.path.join(ROOT, "src", "Keel.Cli", "bin", "Release", "net10.0", "keel.dll")
work = tempfile.mkdtemp(prefix="keel-spread-")
spec = os.path.join(work, "keel.yaml")
open(spec, "w").write(f"experiment: spread\ndata: {{path: {os.path.join(ROOT, 'samples', 'credit_data.csv')}, label: Status}}\n"
                      "register: {enabled: false}\nseed: 42\n")
figures = {}
for i in range(runs):
    res = subprocess.run(["dotnet", dll, "run", spec, "--json", "--store", os.path.join(work, "store")], capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(res.stderr + res.stdout[-2000:])
    for c in json.loads(res.stdout)["candidates"]:
        figures.setdefault(c["name"], []).append(c["predict_us_per_row"])
for name, v in figures.items():
    print(f"{name:12s} " + " ".join(f"{x:8.2f}" for x in v) + f"   max/min {max(v) / max(min(v), 1e-9):6.2f}")
