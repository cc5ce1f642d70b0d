"""Writes drift_fixtures.json: SciPy/NumPy figures that Keel's drift statistics must equal to 1e-9 relative.
Usage: /usr/bin/python3 make_drift_fixtures.py  (from this folder; numpy 1.24, scipy 1.10 made the committed file)
- kstwo: scipy.stats.kstwo.sf(d, n) on a grid that reaches every branch of SciPy's kolmogn (Ruben-Gambino, Durbin
  matrix, Pomeranz, Pelz-Good, 2*smirnov, the zero tail).
- numeric: pairs of samples with ks_2samp(method='asymp'), wasserstein_distance and PSI as shared/bench/peers/drift.py.
- categorical: pairs of count vectors with chi2_contingency(correction=False), jensenshannon(base=2) and PSI."""
import json
import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

FLOOR = 1e-4
def psi(r, c):
    r = np.maximum(r, FLOOR); c = np.maximum(c, FLOOR)
    return float(np.sum((c - r) * np.log(c / r)))

rng = np.random.default_rng(20261126)
kstwo = []
for n in [3, 10, 50, 140, 141, 1000, 20000, 100000, 100001, 125000, 400000]:
    ds = set()
    for nx2 in [0.05, 0.3, 0.7, 1.0, 1.5, 2.1, 2.3, 3.0, 5.0, 10.0, 50.0, 300.0, 400.0]:
        ds.add(float(np.sqrt(nx2 / n)))
    for t in [0.7, 0.95, 1.5]:
        ds.add(t / n)
    ds.update([0.55, 0.9, 1 - 0.5 / n])
    for d in sorted(ds):
        if 0 < d < 1:
            kstwo.append({"n": n, "d": d, "sf": float(stats.kstwo.sf(d, n))})

def numeric_case(name, ref, cur):
    ks = stats.ks_2samp(ref, cur, method="asymp")
    edges = np.unique(np.quantile(ref, np.linspace(0.1, 0.9, 9)))
    rb = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1) / len(ref)
    cb = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1) / len(cur)
    return {"name": name, "reference": ref.tolist(), "current": cur.tolist(), "ks_statistic": float(ks.statistic),
            "ks_pvalue": float(ks.pvalue), "wasserstein": float(stats.wasserstein_distance(ref, cur)),
            "edges": edges.tolist(), "psi": psi(rb, cb)}

numeric = [
    numeric_case("small-normal", rng.normal(0, 1, 30), rng.normal(0.5, 1, 40)),
    numeric_case("medium-same", rng.normal(10, 2, 500), rng.normal(10, 2, 800)),
    numeric_case("integer-ties", rng.poisson(4, 3000).astype(float), rng.poisson(4.3, 2000).astype(float)),
    numeric_case("skewed-shifted", np.round(rng.lognormal(3, 1, 20000), 2), np.round(rng.lognormal(3.05, 1, 15000), 2)),
    numeric_case("tiny-shift", np.round(rng.normal(0, 1, 12000), 3), np.round(rng.normal(0.01, 1, 9000), 3)),
]

def categorical_case(name, rc, cc):
    rc = np.asarray(rc); cc = np.asarray(cc)
    chi2, p, dof, _ = stats.chi2_contingency(np.vstack([rc, cc]), correction=False)
    return {"name": name, "reference": rc.tolist(), "current": cc.tolist(), "chi2": float(chi2), "chi2_pvalue": float(p),
            "dof": int(dof), "js_distance": float(jensenshannon(rc / rc.sum(), cc / cc.sum(), base=2)),
            "psi": psi(rc / rc.sum(), cc / cc.sum())}

categorical = [
    categorical_case("two-close", [510, 490], [480, 520]),
    categorical_case("three-shift", [300, 200, 100], [200, 200, 200]),
    categorical_case("unseen-category", [1000, 800, 600, 0], [900, 850, 500, 40]),
    categorical_case("many-similar", rng.multinomial(50000, np.full(60, 1 / 60)), rng.multinomial(40000, np.full(60, 1 / 60))),
    categorical_case("many-drifted", rng.multinomial(50000, rng.dirichlet(np.ones(200))), rng.multinomial(30000, rng.dirichlet(np.ones(200)))),
]

json.dump({"kstwo": kstwo, "numeric": numeric, "categorical": categorical}, open("drift_fixtures.json", "w"))
print(len(kstwo), "kstwo points,", len(numeric), "numeric,", len(categorical), "categorical cases")
