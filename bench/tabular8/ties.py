"""The price of the noise-tie rule, from splits.py's results: per set, how often the rule chose another candidate than the best
by cv mean, what that cost or gained on test, and Keel's margin over the best peer with `split.ties: simplest` (the default,
what splits.py ran) and with `split.ties: best` (the cv-best candidate's test figure, from the same run: with cv every
candidate is fitted on all training rows whichever is chosen, so the choice alone differs).

  /usr/bin/python3 bench/tabular8/ties.py out/FILE.json [out/FILE.json ...]
"""
import json, os, statistics, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from splits import margin  # noqa: E402
from run import METRIC  # noqa: E402


def main():
    results = {}
    for path in sys.argv[1:]:
        for name, runs in json.load(open(os.path.join(HERE, path) if not os.path.isabs(path) else path)).items():
            results.setdefault(name, {}).update(runs)
    print("| data | splits | ties broken for a simpler candidate | cv-best − chosen on test, those splits (mean; cv-best better in) "
          "| Keel − best peer, ties: simplest (mean; within goal) | Keel − best peer, ties: best (mean; within goal) |")
    print("|---|---|---|---|---|---|")
    all_simplest, all_best = [], []
    for name, runs in results.items():
        task = next(iter(runs.values()))["task"]; lower = METRIC[task] == "rmse"
        broken, diffs, simplest, best_margins, ok_s, ok_b = 0, [], [], [], 0, 0
        for r in runs.values():
            c = r["candidates"]
            cv_best = (min if lower else max)(c, key=lambda k: c[k]["cv"])  # cv on the selection metric, lower only for errors
            peer = (min if lower else max)(r["peers"].values())
            g_s, w_s = margin(task, r["keel"], peer)
            g_b, w_b = margin(task, c[cv_best]["test"], peer)
            simplest.append(g_s); best_margins.append(g_b); ok_s += w_s; ok_b += w_b
            if cv_best != r["selected"]:
                broken += 1
                diffs.append(margin(task, c[cv_best]["test"], c[r["selected"]]["test"] if r["selected"] in c else r["keel"])[0])
        all_simplest.append(statistics.mean(simplest)); all_best.append(statistics.mean(best_margins))
        unit = " (rel. rmse)" if lower else ""
        d = f"{statistics.mean(diffs):+.4f}{unit}; {sum(x > 0 for x in diffs)} of {len(diffs)}" if diffs else "—"
        print(f"| {name} | {len(runs)} | {broken} | {d} | {statistics.mean(simplest):+.4f}; {ok_s} of {len(runs)} | {statistics.mean(best_margins):+.4f}; {ok_b} of {len(runs)} |")
    print(f"\nMean over sets of the mean margin: ties: simplest {statistics.mean(all_simplest):+.4f}, ties: best {statistics.mean(all_best):+.4f}.")


if __name__ == "__main__":
    main()
