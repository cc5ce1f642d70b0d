"""Writes tests/Keel.Search.Tests/Fixtures/optuna_hyperband.json: what Keel's `hyperband` pruner must decide as Optuna 3.1's
HyperbandPruner does (Debian python3-optuna): trials of a random sampler report a loss curve every step; each trial's parameters,
state and last step (where it was pruned, or the full curve), and binascii.crc32 of a few names (a trial's bracket hashes
"STUDY_NUMBER"); then two studies with TPESampler(seed), whose proposals Keel's tpe must repeat when it is shown each trial's
bracket. The test recomputes each curve from the parameters (the same arithmetic in C#) and asks the pruner at every step.

    /usr/bin/python3 bench/search/hyperband_fixture.py
"""
import os

# numpy's AVX-512 exp/log loops differ from the C library's in the last bit (TPE's log-scale parameters); off, as in
# optuna_stream_fixture.py.
os.environ["NPY_DISABLE_CPU_FEATURES"] = "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"

import binascii  # noqa: E402
import json  # noqa: E402

import optuna  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)


def curve(steps):
    def objective(t):
        x = t.suggest_float("x", -5, 5)
        lr = t.suggest_float("lr", 1e-3, 1, log=True)
        loss = None
        for step in range(1, steps + 1):
            loss = (x - 1.5) ** 2 + 2 / (1 + step * lr)
            t.report(loss, step)
            if t.should_prune():
                raise optuna.TrialPruned()
        return loss
    return objective


cases = []
for study_name, seed, steps, options, n in [
    ("hb-auto", 1, 100, {"min_resource": 10, "reduction_factor": 3}, 80),
    ("hb-fixed", 2, 81, {"min_resource": 3, "max_resource": 81, "reduction_factor": 3}, 80),
    ("hb-eta2", 3, 64, {"min_resource": 2, "max_resource": 64, "reduction_factor": 2}, 60),
]:
    study = optuna.create_study(study_name=study_name, sampler=optuna.samplers.RandomSampler(seed=seed),
                                pruner=optuna.pruners.HyperbandPruner(**options))
    study.optimize(curve(steps), n_trials=n)
    pruner = study.pruner
    cases.append({"study": study_name, "steps": steps, "options": options,
                  "brackets": [pruner._get_bracket_id(study, t) for t in study.trials],
                  "trials": [{"params": t.params, "state": t.state.name.lower(), "last_step": t.last_step} for t in study.trials]})

# With TPE: Optuna shows the sampler of a trial only its bracket's trials (once the brackets are sized), so its start-up trials
# and its good and bad sides are per bracket, while its random streams run on through every trial.
tpe = []
for study_name, seed, steps, options, n in [
    ("hb-tpe-auto", 4, 100, {"min_resource": 10, "reduction_factor": 3}, 70),
    ("hb-tpe-fixed", 6, 81, {"min_resource": 3, "max_resource": 81, "reduction_factor": 3}, 70),
]:
    study = optuna.create_study(study_name=study_name, sampler=optuna.samplers.TPESampler(seed=seed),
                                pruner=optuna.pruners.HyperbandPruner(**options))
    study.optimize(curve(steps), n_trials=n)
    tpe.append({"study": study_name, "seed": seed, "steps": steps, "options": options,
                "trials": [{"params": t.params, "state": t.state.name.lower(), "last_step": t.last_step} for t in study.trials]})

names = ["", "a", "hb-auto_0", "keel-search_17", "credit_data-search_123", "ünïcode_5"]
out = {"optuna": optuna.__version__, "crc32": [[s, binascii.crc32(s.encode())] for s in names], "hyperband": cases, "tpe": tpe}
with open("tests/Keel.Search.Tests/Fixtures/optuna_hyperband.json", "w") as f:
    json.dump(out, f)
    f.write("\n")
print({c["study"]: (sum(t["state"] == "pruned" for t in c["trials"]), len(c["trials"]), sorted(set(c["brackets"]))) for c in cases})
print({c["study"]: (sum(t["state"] == "pruned" for t in c["trials"]), len(c["trials"])) for c in tpe})
