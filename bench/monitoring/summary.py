"""Prints the walk-through's figures from `keel monitor --json` output: per month the drifted columns, every column's PSI and
verdict statistic, and the performance figures (auc from the joined labels, estimated_auc from CBPE)."""
import json
import sys

for path in sys.argv[1:]:
    r = json.load(open(path))
    print(f"== {path}: reference {r['reference']}")
    for w in r["windows"]:
        f = w["figures"]
        perf = ", ".join(f"{k} {f[k]:.4f}" for k in ("labelled_rows", "auc", "accuracy", "estimated_auc") if k in f)
        print(f"{w['window']}: {w['rows']} rows, drift_share {w['drift_share']:.2f}" + (f"; {perf}" if perf else ""))
        for c in w["columns"]:
            stat = "wasserstein_norm" if c.get("wasserstein_norm") is not None else "js"
            value = c.get(stat)
            print(f"   {c['column']:<12} psi {c.get('psi') or 0:.4f}  {stat} {value if value is None else round(value, 4)}  "
                  f"{'DRIFT' if c['drifted'] else 'ok'} ({c.get('rule') or '-'})")
