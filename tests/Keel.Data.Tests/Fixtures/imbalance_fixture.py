"""Reference figures for Keel.Data.Imbalance from imbalanced-learn (python3-imblearn 0.10.0): writes imbalance.json.
Run from this folder: /usr/bin/python3 imbalance_fixture.py"""
import json
import numpy as np
from imblearn.under_sampling import TomekLinks, RandomUnderSampler
from imblearn.over_sampling import RandomOverSampler, SMOTE
from sklearn.neighbors import NearestNeighbors

rng = np.random.RandomState(7)
# Two overlapping blobs, 3:1, rounded so every distance is distinct enough to make nearest neighbours unique.
X = np.vstack([rng.normal(0, 1, (90, 2)), rng.normal(1.2, 1, (30, 2))]).round(3)
y = np.array([0] * 90 + [1] * 30)
tl = TomekLinks(sampling_strategy="auto").fit(X, y)
_, _ = tl.fit_resample(X, y)
kept = tl.sample_indices_.tolist()
nn = NearestNeighbors(n_neighbors=2).fit(X)
_, idx = nn.kneighbors(X)
links = sorted({(int(min(i, j)), int(max(i, j))) for i, j in enumerate(idx[:, 1]) if idx[j, 1] == i and y[i] != y[j]})

def counts(labels):
    return {str(c): int((labels == c).sum()) for c in np.unique(labels)}

_, y_over = RandomOverSampler(random_state=0).fit_resample(X, y)
_, y_under = RandomUnderSampler(random_state=0).fit_resample(X, y)
Xs, ys = SMOTE(k_neighbors=5, random_state=0).fit_resample(X, y)
# imbalanced-learn's own synthetic rows satisfy the property the C# tests check on Keel's: each lies on a segment from a
# minority row to one of its 5 nearest minority neighbours.
minority = X[y == 1]
nn5 = NearestNeighbors(n_neighbors=6).fit(minority)
_, n5 = nn5.kneighbors(minority)
def on_segment(p):
    for b in range(len(minority)):
        for j in n5[b, 1:]:
            d = minority[j] - minority[b]
            t = np.dot(p - minority[b], d) / np.dot(d, d)
            if -1e-9 <= t <= 1 + 1e-9 and np.allclose(minority[b] + t * d, p, atol=1e-9):
                return True
    return False
assert all(on_segment(p) for p in Xs[len(X):])

json.dump({
    "x": X.tolist(), "y": y.tolist(),
    "tomek_kept": kept, "tomek_links": links,
    "oversample_counts": counts(y_over), "undersample_counts": counts(y_under), "smote_counts": counts(ys),
}, open("imbalance.json", "w"), indent=1)
print(len(links), "links;", len(X) - len(kept), "removed")
