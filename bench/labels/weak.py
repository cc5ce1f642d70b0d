"""Label model vs majority vote through `keel label weak`: a seeded synthetic table and three real sets.

Synthetic: 10,000 rows, true class pos (40 %) / neg. Columns s1..s7 hold each function's vote ("pos", "neg" or empty):
s1..s3 independent, accuracies 0.85, 0.80, 0.75, each voting on 60 % of rows; s4..s7 accuracy 0.62 on 90 % of rows, and
s5..s7 copy s4's vote 85 % of the time (correlated). Rules: `lfI: sI == "pos" -> pos` and `lfI: sI == "neg" -> neg`.
Real sets, each with functions written from the columns' meaning before any was measured, and not changed after:
credit_data (samples/, Status, bench/labels/credit.lf), penguins (samples/, Species, penguins.lf),
seattle-weather (samples/, weather, seattle.lf). Gold: every 20th row, passed with --gold (it only helps find
correlated functions, from 100 gold rows up) and left out of the scores.
Each set is labelled with --dependencies none (plain Dawid-Skene) and auto. On rows at least one function votes on (gold
rows left out): accuracy and macro-F1 of weak_label and of majority_vote against the true label, and the AUC of the label
model's probabilities (binary: of the second class; multiclass: macro one-vs-rest over the classes present).
Downstream: a seeded 30 % of rows (stratified on the truth) is held out; a gradient-boosted classifier
(scikit-learn HistGradientBoostingClassifier, seed 0, one-hot categoricals) is trained on the other covered rows with each
set of labels (label model, majority vote, and the true labels as the ceiling) and scored on the held-out true labels
(accuracy, macro-F1). Usage (repository root, after `dotnet build src/Keel.Cli`):
    /usr/bin/python3 bench/labels/weak.py
"""
import csv, json, os, subprocess, tempfile
import numpy as np, pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import train_test_split

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
keel = ["dotnet", os.path.join(root, "src", "Keel.Cli", "bin", "Debug", "net10.0", "keel.dll")]
work = tempfile.mkdtemp(prefix="keel-weak-")


def synthetic():
    rng = np.random.default_rng(42)
    n = 10_000
    y = np.where(rng.random(n) < 0.4, "pos", "neg")
    flip = {"pos": "neg", "neg": "pos"}
    def vote(acc, cov):
        return [(t if rng.random() < acc else flip[t]) if rng.random() < cov else "" for t in y]
    cols = [vote(a, 0.6) for a in (0.85, 0.80, 0.75)]
    s4 = vote(0.62, 0.9)
    cols.append(s4)
    for _ in range(3):
        own = vote(0.62, 0.9)
        cols.append([s if s and rng.random() < 0.85 else o for s, o in zip(s4, own)])
    path = os.path.join(work, "synthetic.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["truth"] + [f"s{i + 1}" for i in range(7)])
        for i in range(n):
            w.writerow([y[i]] + [c[i] for c in cols])
    rules = os.path.join(work, "synthetic.lf")
    with open(rules, "w") as f:
        for i in range(7):
            f.write(f'lf{i + 1}: s{i + 1} == "pos" -> pos\nlf{i + 1}: s{i + 1} == "neg" -> neg\n')
    return path, rules, "truth", None


def real(data, lf, truth):
    rows = list(csv.DictReader(open(data)))
    gold = os.path.join(work, f"gold-{truth}.csv")
    with open(gold, "w") as f:
        f.write("row,label\n" + "".join(f"{i},{r[truth]}\n" for i, r in enumerate(rows) if i % 20 == 0 and r[truth]))
    return data, os.path.join(root, "bench", "labels", lf), truth, gold


sets = [("synthetic (seed 42)", synthetic, False),
        ("credit_data", lambda: real(os.path.join(root, "samples", "credit_data.csv"), "credit.lf", "Status"), True),
        ("penguins", lambda: real(os.path.join(root, "samples", "penguins.csv"), "penguins.lf", "Species"), True),
        ("seattle-weather", lambda: real(os.path.join(root, "samples", "seattle-weather.csv"), "seattle.lf", "weather"), True)]


def auc(truth, probs, classes):
    present = [c for c in classes if (truth == c).any()]
    if len(classes) == 2:
        return roc_auc_score(truth == classes[1], probs[:, 1])
    return np.mean([roc_auc_score(truth == c, probs[:, classes.index(c)]) for c in present])


def downstream(df, truth, labels, train, test):
    X = pd.get_dummies(df.drop(columns=[c for c in df.columns if c == truth or c == "date" or c.startswith("p_")
                                        or c in ("weak_label", "weak_confidence", "majority_vote")]), dtype=float)
    keep = train[labels.iloc[train].astype(bool).values]
    model = HistGradientBoostingClassifier(random_state=0).fit(X.iloc[keep], labels.iloc[keep])
    pred = model.predict(X.iloc[test])
    return np.mean(pred == df[truth].iloc[test].values), f1_score(df[truth].iloc[test], pred, average="macro")


print("| data set | dependencies | rows scored | accuracy: label model | majority vote | macro-F1: label model | majority vote "
      "| label model AUC | downstream accuracy (macro-F1): label model | majority vote | true labels | groups modelled jointly |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for name, make, features in sets:
    data, rules, truth, gold = make()
    for mode in ("none", "auto"):
        out = os.path.join(work, "out.csv")
        args = keel + ["label", "weak", "--rules", rules, "--data", data, "--out", out, "--dependencies", mode, "--json"]
        if gold:
            args += ["--gold", gold]
        report = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
        classes = report["classes"]
        df = pd.read_csv(out, keep_default_na=False, na_values=[""])
        df = df[df[truth].notna()].copy() if features else df
        index = np.arange(len(df))
        covered = df.weak_label.notna().values & (df[truth].astype(str) != "").values
        scored = covered & ((index % 20 != 0) if gold else True)
        t = df[truth].values[scored]
        model, vote = df.weak_label.values[scored], df.majority_vote.values[scored]
        probs = df[[f"p_{c}" for c in classes]].values[scored]
        cells = [f"{np.mean(model == t):.3f}", f"{np.mean(vote == t):.3f}", f"{f1_score(t, model, average='macro'):.3f}",
                 f"{f1_score(t, vote, average='macro'):.3f}", f"{auc(t, probs, classes):.3f}"]
        if features:
            train, test = train_test_split(index, test_size=0.3, stratify=df[truth], random_state=0)
            train = train[covered[train]]
            for labels in (df.weak_label, df.majority_vote, df[truth]):
                a, f1 = downstream(df, truth, labels.fillna(""), train, test)
                cells.append(f"{a:.3f} ({f1:.3f})")
        else:
            cells += ["-", "-", "-"]
        groups = "; ".join(", ".join(g) for g in report["groups"]) or "-"
        print(f"| {name} | {mode} | {scored.sum()} | " + " | ".join(cells) + f" | {groups} |", flush=True)
