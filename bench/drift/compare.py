"""Checks that Keel's drift figures equal the SciPy peer's: compare.py PEER_JSON KEEL_JSON [TOLERANCE=1e-9].
Prints the largest relative difference per statistic; exits 1 when any exceeds the tolerance."""
import json, sys
peer, keel = (json.load(open(p))["comparisons"] for p in sys.argv[1:3])
tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-9
worst, bad = {}, []
for comp, cols in peer.items():
    for col, stats in cols.items():
        for stat, expected in stats.items():
            actual = keel[comp][col][stat]
            rel = 0.0 if expected == actual else abs(expected - actual) / max(abs(expected), 1e-300)
            worst[stat] = max(worst.get(stat, 0.0), rel)
            if rel > tol: bad.append(f"{comp} {col} {stat}: peer {expected!r}, keel {actual!r} (rel {rel:.2e})")
print("largest relative difference per statistic: " + ", ".join(f"{k} {v:.1e}" for k, v in sorted(worst.items())))
print("\n".join(bad) if bad else f"all {sum(len(s) for c in peer.values() for s in c.values())} figures equal to {tol:g} relative")
sys.exit(1 if bad else 0)
