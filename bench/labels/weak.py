"""Label model vs majority vote: a seeded synthetic table and credit_data, through `keel label weak`.

Synthetic: 10,000 rows, true class pos (40 %) / neg. Columns s1..s7 hold each function's vote ("pos", "neg" or empty):
s1..s3 independent, accuracies 0.85, 0.80, 0.75, each voting on 60 % of rows; s4..s7 accuracy 0.62 on 90 % of rows, and
s5..s7 copy s4's vote 85 % of the time (correlated). Rules: `lfI: sI == "pos" -> pos` and `lfI: sI == "neg" -> neg`.
credit_data (samples/): the functions of bench/labels/credit.lf (one per column, plus two second opinions on Seniority and
Income), Status as truth. Gold: every 20th row (223) passed with --gold, which only helps find correlated functions;
accuracies are measured on the other rows, against the true Status.
Each set is labelled with --dependencies none (plain Dawid-Skene) and auto; accuracy of weak_label and majority_vote on
rows at least one function votes on. Usage (repository root, after `dotnet build src/Keel.Cli`):
    /usr/bin/python3 bench/labels/weak.py
"""
import csv, json, os, subprocess, tempfile
import numpy as np

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
    return path, rules, "truth", None, lambda i: True


def credit():
    data = os.path.join(root, "samples", "credit_data.csv")
    rows = list(csv.DictReader(open(data)))
    gold = os.path.join(work, "gold.csv")
    with open(gold, "w") as f:
        f.write("row,label\n" + "".join(f"{i},{r['Status']}\n" for i, r in enumerate(rows) if i % 20 == 0))
    return data, os.path.join(root, "bench", "labels", "credit.lf"), "Status", gold, lambda i: i % 20 != 0


print("| data set | dependencies | rows scored | label model | majority vote | groups modelled jointly |")
print("|---|---|---|---|---|---|")
for name, make in (("synthetic (seed 42)", synthetic), ("credit_data", credit)):
    data, rules, truth, gold, scored = make()
    for mode in ("none", "auto"):
        out = os.path.join(work, "out.csv")
        args = keel + ["label", "weak", "--rules", rules, "--data", data, "--out", out, "--dependencies", mode, "--json"]
        if gold:
            args += ["--gold", gold]
        report = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
        rows = [r for i, r in enumerate(csv.DictReader(open(out))) if scored(i) and r["weak_label"]]
        model = np.mean([r["weak_label"] == r[truth] for r in rows])
        vote = np.mean([r["majority_vote"] == r[truth] for r in rows])
        groups = "; ".join(", ".join(g) for g in report["groups"]) or "-"
        print(f"| {name} | {mode} | {len(rows)} | {model:.3f} | {vote:.3f} | {groups} |")
