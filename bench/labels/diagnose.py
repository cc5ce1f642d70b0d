"""Why the label model wins or loses on a real set: the functions of credit.lf, penguins.lf and seattle.lf ported to numpy
(checked: the port's majority vote equals `keel label weak`'s majority_vote column on every row, and its Dawid-Skene EM
reproduces keel's label accuracy), then variants of the model on the same votes. Accuracy on covered rows, every 20th row
left out (as bench/labels/weak.py):
  majority vote;
  Dawid-Skene as keel fits it (EM from the vote shares, Dirichlet 0.5, abstain an output), --dependencies none and the
    groups keel's auto finds;
  the same tables fitted once on the TRUE labels (the model family's ceiling), and EM started from there (where the
    likelihood leads from the truth);
  abstains carrying no evidence (Snorkel's predict_proba convention); the class prior fixed from the gold rows (add-one);
  Snorkel's matrix-completion objective (our numpy/scipy reading of it: ||O - mu P mu'||^2 off the diagonal blocks plus the
    coverage term, mu started at precision 0.7, class balance from the gold rows; conditionally independent functions).
Usage (repository root, after `dotnet build src/Keel.Cli`): /usr/bin/python3 bench/labels/diagnose.py
"""
import csv, os, subprocess, tempfile
import numpy as np
from scipy.optimize import minimize

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
keel = ["dotnet", os.path.join(root, "src", "Keel.Cli", "bin", "Debug", "net10.0", "keel.dll")]


def num(v):
    try:
        return float(v)
    except ValueError:
        return None


def credit(r):
    s, i, a, m = num(r["Seniority"]), num(r["Income"]), num(r["Assets"]), num(r["Amount"])
    home = {"owner": "good", "parents": "good", "rent": "bad", "other": "bad", "ignore": "bad"}
    return ["bad" if r["Records"] == "yes" else "good" if r["Records"] == "no" else None,
            "bad" if r["Job"] in ("partime", "others") else "good" if r["Job"] == "fixed" else None,
            home.get(r["Home"]),
            None if s is None else "bad" if s < 2 else "good" if s > 10 else None,
            None if i is None else "bad" if i < 80 else "good" if i > 200 else None,
            None if a is None else "bad" if a == 0 else "good" if a > 5000 else None,
            None if m is None else "bad" if m > 1500 else "good" if m < 600 else None,
            None if s is None else "bad" if s <= 2 else "good" if s > 8 else None,
            None if i is None else "bad" if i < 90 else "good" if i > 180 else None]


def penguins(r):
    isl, fl, ms = r["Island"], num(r["Flipper Length (mm)"]), num(r["Body Mass (g)"])
    bl, bd = num(r["Beak Length (mm)"]), num(r["Beak Depth (mm)"])
    return ["Adelie" if isl == "Torgersen" else None, "Gentoo" if isl == "Biscoe" else None, "Chinstrap" if isl == "Dream" else None,
            None if fl is None else "Gentoo" if fl > 210 else "Adelie" if fl < 192 else None,
            None if ms is None else "Gentoo" if ms > 4700 else "Adelie" if ms < 3600 else None,
            None if bl is None else "Adelie" if bl < 41 else "Chinstrap" if bl > 45 else None,
            None if bd is None else "Gentoo" if bd < 16 else "Chinstrap" if bd > 18.5 else None,
            None if bl is None else "Adelie" if bl < 40 else "Chinstrap" if bl > 47 else None]


def seattle(r):
    p, tx, tn, w = (float(r[c]) for c in ("precipitation", "temp_max", "temp_min", "wind"))
    return ["rain" if p > 0 else None, "sun" if p == 0 else None, "rain" if p >= 3 else None, "drizzle" if 0 < p < 1 else None,
            "snow" if p > 0 and tx < 3 else None, "snow" if tn < -1 and p > 0 else None, "fog" if p == 0 and w < 2 else None,
            "sun" if tx > 22 else None, "rain" if w > 5 else None]


# name, data, rules, truth, port, groups keel's --dependencies auto finds (function indices)
SETS = [("credit_data", "credit_data.csv", "credit.lf", "Status", credit, [[0], [1], [2, 5], [3, 7], [4, 8], [6]]),
        ("penguins", "penguins.csv", "penguins.lf", "Species", penguins, [[0, 1, 2], [3], [4], [5, 7], [6]]),
        ("seattle-weather", "seattle-weather.csv", "seattle.lf", "weather", seattle, [[0, 1], [2], [3], [4, 5], [6], [7], [8]])]


def shares(V, k):
    q = np.stack([(V == c).sum(0) for c in range(k)], 1).astype(float)
    t = q.sum(1, keepdims=True)
    return np.where(t > 0, q / np.maximum(t, 1), 1 / k)


def em(V, k, groups, start, iterations=200, abstain_evidence=True, prior=None, alpha=0.5):
    n = V.shape[1]
    codes = []
    for g in groups:
        c = np.zeros(n, int)
        for j in reversed(g):
            c = c * (k + 1) + V[j] + 1
        codes.append(c)
    q, previous = start.copy(), -np.inf
    for _ in range(iterations):
        p = (q.sum(0) + alpha) / (n + k * alpha) if prior is None else prior
        tables = []
        for g, c in zip(groups, codes):
            t = np.full((k, (k + 1) ** len(g)), alpha)
            for y in range(k):
                np.add.at(t[y], c, q[:, y])
            t /= t.sum(1, keepdims=True)
            if not abstain_evidence:
                t[:, 0] = 1.0
            tables.append(t)
        logp = np.log(p)[None, :] + sum(np.log(t[:, c]).T for t, c in zip(tables, codes))
        top = logp.max(1, keepdims=True)
        z = np.exp(logp - top)
        ll = (top[:, 0] + np.log(z.sum(1))).mean()
        q = z / z.sum(1, keepdims=True)
        if ll - previous < 1e-7:
            break
        previous = ll
    return q


def matrix_completion(V, k, p, precision=0.7):
    m, n = V.shape
    L = np.zeros((n, m * k))
    for j in range(m):
        for c in range(k):
            L[:, j * k + c] = V[j] == c
    O, d = L.T @ L / n, m * k
    mask = np.ones((d, d), bool)
    for j in range(m):
        mask[j * k:(j + 1) * k, j * k:(j + 1) * k] = False
    lps = np.diag(O)
    mu0 = np.zeros((d, k))
    for j in range(m):
        for c in range(k):
            mu0[j * k + c, c] = np.clip(lps[j * k + c] * precision / p[c], 0, 1)
    P = np.diag(p)

    def loss(x):
        mu = x.reshape(d, k)
        R = (O - mu @ P @ mu.T) * mask
        r = (mu @ P).sum(1) - lps
        return (R ** 2).sum() + (r ** 2).sum(), (-4 * (R @ mu @ P) + 2 * np.outer(r, p)).ravel()
    mu = np.clip(minimize(loss, (mu0 * 0.5).ravel(), jac=True, method="L-BFGS-B").x.reshape(d, k), 0.01, 0.99)
    logp = np.log(p)[None, :] + sum(np.outer(V[j] == c, np.log(mu[j * k + c])) for j in range(m) for c in range(k))
    return logp.argmax(1)


print("| data set | majority vote | DS none | DS auto | tables from true labels (auto) | EM from there (auto) "
      "| abstain no evidence (auto) | prior from gold (auto) | Snorkel's matrix completion |")
print("|---|---|---|---|---|---|---|---|---|")
for name, file, lf, truth, port, auto in SETS:
    data = os.path.join(root, "samples", file)
    rows = list(csv.DictReader(open(data)))
    out = os.path.join(tempfile.mkdtemp(prefix="keel-diag-"), "out.csv")
    subprocess.run(keel + ["label", "weak", "--rules", os.path.join(root, "bench", "labels", lf), "--data", data, "--out", out,
                           "--json"], check=True, capture_output=True)
    keel_rows = list(csv.DictReader(open(out)))
    classes = sorted({r[truth] for r in rows} | {v for r in rows for v in port(r) if v})
    k, index = len(classes), {c: i for i, c in enumerate(classes)}
    V = np.array([[index[v] if v else -1 for v in port(r)] for r in rows]).T
    y = np.array([index[r[truth]] for r in rows])
    start = shares(V, k)
    overall = np.array([(V == c).sum() for c in range(k)])
    vote = np.argmax(start + 1e-9 * overall / overall.sum(), 1)
    assert all(not kr["majority_vote"] or classes[v] == kr["majority_vote"] for v, kr in zip(vote, keel_rows)), "port differs from keel"
    scored = (V >= 0).any(0) & (np.arange(len(y)) % 20 != 0)
    gold = (np.bincount(y[::20], minlength=k) + 1) / (len(y[::20]) + k)  # add-one: a class may miss the gold rows
    acc = lambda pred: f"{np.mean(pred[scored] == y[scored]):.3f}"
    truth_start = np.eye(k)[y]
    cells = [acc(vote), acc(em(V, k, [[j] for j in range(len(V))], start).argmax(1)), acc(em(V, k, auto, start).argmax(1)),
             acc(em(V, k, auto, truth_start, iterations=1).argmax(1)), acc(em(V, k, auto, truth_start).argmax(1)),
             acc(em(V, k, auto, start, abstain_evidence=False).argmax(1)), acc(em(V, k, auto, start, prior=gold).argmax(1)),
             acc(matrix_completion(V, k, gold))]
    print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
