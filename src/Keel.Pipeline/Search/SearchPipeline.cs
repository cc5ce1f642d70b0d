using System.Globalization;
using Keel.Core;
using Keel.Core.Search;
using Keel.Core.Spec;
using Keel.Core.Tracking;
using Keel.Search;
using Keel.Tracking;
using Keel.Training;

namespace Keel.Pipeline.Search;

/// <summary>
/// The search use case (`keel search`): creates or resumes the spec's study, runs trials in worker tasks as tracked child runs of a
/// search run, then trains the best trial of each family beside the baselines in one `keel run`-style run that chooses as `keel run` chooses (cv when affordable),
/// evaluates on test once and registers the winner. `JoinAsync` adds workers to a study from another process.
/// </summary>
/// <param name="store">Where studies, runs and models live.</param>
/// <param name="time">Clock for runs, heartbeats and the time budget.</param>
/// <param name="progress">Receives trial ends and phases.</param>
/// <param name="actor">Who moves the alias (the user).</param>
public sealed class SearchPipeline(KeelStore store, TimeProvider time, IProgress<SearchProgress> progress, string actor)
{
    /// <summary>Tag on the final run naming the search run it comes from.</summary>
    public const string SearchRunTag = "keel.search_run_id";

    /// <summary>Runs (or resumes) the search of <paramref name="run"/>'s spec to the end of its budget, then trains, registers and reports.</summary>
    public async Task<SearchOutcome> SearchAsync(PreparedRun run, SearchRequest request, Func<string, string> reportPathFor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(reportPathFor);
        var asked = SearchPlan.From(run, request);
        var existing = await store.Studies.GetStudyAsync(asked.Study, ct);
        var (trialRun, plan) = Resumed(existing, run, asked, request);
        if (existing is not null && plan.PlannedTrials != existing.PlannedTrials)
        {
            if (request.Trials is { } trials)
            {
                // `--trials N` on a resumed study changes its plan, as Optuna's study.optimize(n_trials=...) asks for more: the trials
                // run so far stay, the sampler goes on from their history, and every worker claims up to the new plan.
                try
                {
                    await store.Studies.SetPlannedTrialsAsync(plan.Study, trials, ct);
                }
                catch (KeelInputException e)
                {
                    throw new KeelInputException($"--trials {trials}: {e.Message}", e);
                }
            }
            else
            {
                // A timeout alone bounds this process, not the study: its planned trials stay.
                plan = plan with { PlannedTrials = existing.PlannedTrials };
            }
        }
        progress.Report(new SearchProgress("start", 0, plan.PlannedTrials, null, null, plan));
        await RunRecovery.MarkAbandonedRunsAsync(store.Tracking, store.Options.RunLease, time, ct);
        var record = plan.Record(time.GetUtcNow());
        await store.Studies.CreateStudyAsync(existing is null ? record : record with { DefinitionJson = existing.DefinitionJson }, ct);
        var experiment = await store.Tracking.GetOrCreateExperimentAsync(run.Experiment, ct);
        var started = time.GetUtcNow();
        var created = await store.Tracking.CreateRunAsync(experiment.Id, $"{plan.Study}-{started:yyyyMMdd-HHmmss}", started,
            new Dictionary<string, string> { ["keel.spec"] = run.SpecPath, ["keel.study"] = plan.Study, ["keel.kind"] = "search" }, ct);
        await using var heartbeat = RunHeartbeat.Start(store.Tracking, created.Id, time, store.Options.HeartbeatInterval);
        try
        {
            await store.Tracking.LogBatchAsync(created.Id, new LogBatch { Params = Params(plan) }, ct);
            await store.Studies.SetSearchRunAsync(plan.Study, created.Id, ct);
            var stopAt = plan.Timeout is { } t ? started + t : (DateTimeOffset?)null;
            await RunWorkersAsync(trialRun, plan, request.Workers, experiment.Id, created.Id, stopAt, ct);
            return await FinishAsync(run, plan, created.Id, reportPathFor(created.Id), ct);
        }
        catch (Exception e)
        {
            var status = e is OperationCanceledException ? RunStatus.Killed : RunStatus.Failed;
            await MarkEndedAsync(created.Id, status, status == RunStatus.Killed ? RunTags.KilledReason : RunTags.Error, e.Message);
            throw;
        }
    }

    /// <summary>Runs trials of an existing study (made by `keel search SPEC`) as extra workers, until it is done or the budget ends.</summary>
    /// <exception cref="KeelInputException">It was not made by keel search, or its search definition changed since (the message names what).</exception>
    public async Task<JoinOutcome> JoinAsync(string studyName, SearchRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var study = await store.Studies.GetStudyAsync(studyName, ct)
            ?? throw new KeelNotFoundException($"study '{studyName}' does not exist; `keel search SPEC` creates it");
        var specPath = SearchPlan.SpecPathOf(study);
        var prepared = RunPreparation.Prepare(specPath, null);
        var joining = request with { Trials = study.PlannedTrials };
        var (run, plan) = Resumed(study, prepared, SearchPlan.From(prepared, joining), joining);
        var parent = study.SearchRunId ?? throw new KeelInputException($"study '{studyName}' has no search run yet; start it with `keel search {specPath}`");
        var experiment = await store.Tracking.GetOrCreateExperimentAsync(run.Experiment, ct);
        var stopAt = plan.Timeout is { } t ? time.GetUtcNow() + t : (DateTimeOffset?)null;
        var ran = await RunWorkersAsync(run, plan, request.Workers, experiment.Id, parent, stopAt, ct);
        return new JoinOutcome(studyName, ran);
    }

    /// <summary>The run the trials of <paramref name="existing"/> train on and its plan, or <paramref name="run"/>'s own for a new study.
    /// A study whose trials were scored on the validation split (every study from before keel search scored trials by keel run's default
    /// selection rule) goes on scoring them there when the spec leaves split.selection to that rule, so no trial is rescored or rerun.</summary>
    /// <exception cref="KeelInputException">The study's search definition differs from the spec's, naming what changed.</exception>
    private static (PreparedRun Run, SearchPlan Plan) Resumed(StudyRecord? existing, PreparedRun run, SearchPlan plan, SearchRequest request)
    {
        if (existing is null) return (run, plan);
        if (SearchPlan.ScoringOf(existing, run) == "validation" && plan.Scoring != "validation" && run.Spec.Split.Selection is null)
        {
            run = RunPreparation.Prepare(run.Spec with { Split = run.Spec.Split with { Selection = SelectionMode.Validation } }, run.SpecText, run.SpecPath);
            plan = SearchPlan.From(run, request);
        }
        var changes = plan.Changes(existing, run);
        if (changes.Count > 0)
            throw new KeelInputException($"study '{existing.Name}' already exists with another search definition: {string.Join("; ", changes)}; expected the same spec to resume or join it, a new study name (search.study), or `keel studies delete {existing.Name} --yes` first");
        return (run, plan);
    }

    private async Task<IReadOnlyList<TrialEnd>> RunWorkersAsync(PreparedRun run, SearchPlan plan, int workers, string experimentId, string parentRunId,
        DateTimeOffset? stopAt, CancellationToken ct)
    {
        var ended = new List<TrialEnd>();
        var gate = new object();
        var tasks = Enumerable.Range(0, workers).Select(i => Task.Run(async () =>
        {
            var runner = new TrialRunner(store, run, plan, time);
            var study = new Study(store.Studies, plan.Study, plan.Spaces, $"w{i}-{Guid.NewGuid():N}", plan.StudyOptions(time));
            while (await study.AskAsync(stopAt, ct) is { } trial)
            {
                await using (trial)
                {
                    var end = await runner.RunAsync(trial, experimentId, parentRunId, ct);
                    var (studyEnded, best) = Standing(await store.Studies.ListTrialsAsync(plan.Study, ct), plan.HigherIsBetter);
                    lock (gate)
                    {
                        ended.Add(end);
                        progress.Report(new SearchProgress("trials", studyEnded, plan.PlannedTrials, best?.Value, end) { BestTrial = best?.Number });
                    }
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(tasks);
        return ended;
    }

    /// <summary>How many of the study's trials have ended (complete, pruned or failed) and its best complete trial by the objective.</summary>
    internal static (int Ended, TrialRecord? Best) Standing(IReadOnlyList<TrialRecord> trials, bool higherIsBetter)
    {
        var complete = trials.Where(t => t.State == TrialState.Complete && t.Value is not null);
        var best = (higherIsBetter ? complete.OrderByDescending(t => t.Value) : complete.OrderBy(t => t.Value)).ThenBy(t => t.Number).FirstOrDefault();
        return (trials.Count(t => t.State != TrialState.Running), best);
    }

    private async Task<SearchOutcome> FinishAsync(PreparedRun run, SearchPlan plan, string searchRunId, string reportPath, CancellationToken ct)
    {
        var trials = await store.Studies.ListTrialsAsync(plan.Study, ct);
        var summaries = trials.Select(t => Summary(t, plan)).ToArray();
        var budgets = plan.Families.Select(f => Budget(f, trials, plan)).ToArray();
        var importance = ParameterImportance.Compute(trials, plan.Spaces);
        var complete = plan.PlannedTrials is { } planned && trials.Count >= planned && trials.All(t => t.State != TrialState.Running);

        var points = plan.Objectives.Count == 0 ? null : await ParetoPoints.ReadAsync(store.Tracking, plan.Objectives,
            summaries.Where(t => t.State == "complete" && t.RunId is not null).Select(t => (t.Number, t.Family, t.RunId!)), ct);
        RunOutcome? final = null;
        var winners = budgets.Where(b => b.BestTrial is not null).Select(b => summaries[b.BestTrial!.Value]).ToArray();
        if (winners.Length > 0)
        {
            progress.Report(new SearchProgress("final", trials.Count, plan.PlannedTrials, null, null));
            var front = points is null || plan.Objectives.Count < 2 ? [] : FrontCandidates(ParetoPoints.Front(plan.Objectives, points), points, winners, summaries, plan.HigherIsBetter);
            var finalRun = FinalRun(run, plan.Families, winners, searchRunId, await BestRoundsAsync([.. winners, .. front], ct), front)
                with { Search = new Keel.Reports.SearchLink(searchRunId, plan.Study, reportPath) };
            // Each finished step of the final run is reported as it ends (it can take minutes: every candidate is trained again, in cv folds).
            var steps = new StepsDone(step => progress.Report(new SearchProgress("final", trials.Count, plan.PlannedTrials, null, null) { Step = step }));
            final = await new RunPipeline(store, time, steps, actor).ExecuteAsync(finalRun, _ => FinalReportPath(reportPath), ct);
        }
        var outcome = new SearchOutcome(plan.Study, searchRunId, plan.Metric, plan.HigherIsBetter, plan.PlannedTrials, complete, summaries, budgets, importance, reportPath)
        {
            Final = final,
            ParetoFront = points is null ? null : ParetoPoints.Front(plan.Objectives, points),
            ObjectivePoints = points,
            Curves = TrialCurves.From(trials),
        };
        await WriteReportAsync(reportPath, SearchReport.Render(outcome, plan), ct);
        await new RunTracker(store, searchRunId, time).LogReportAsync(reportPath, ct);
        var now = time.GetUtcNow();
        var metrics = new List<MetricPoint>
        {
            new("trials.complete", trials.Count(t => t.State == TrialState.Complete), 0, now),
            new("trials.pruned", trials.Count(t => t.State == TrialState.Pruned), 0, now),
            new("trials.failed", trials.Count(t => t.State == TrialState.Failed), 0, now),
        };
        foreach (var b in budgets)
        {
            metrics.Add(new($"{b.Family}.trials", b.Trials, 0, now));
            metrics.Add(new($"{b.Family}.rounds", b.Rounds, 0, now));
            metrics.Add(new($"{b.Family}.seconds", b.Seconds, 0, now));
            if (b.Best is { } v) metrics.Add(new($"{b.Family}.best.val.{plan.Metric}", v, 0, now));
        }
        var tags = new Dictionary<string, string>();
        if (final is not null) tags["keel.final_run_id"] = final.RunId;
        await store.Tracking.LogBatchAsync(searchRunId, new LogBatch { Metrics = metrics, Tags = tags }, ct);
        await store.Tracking.SetRunStatusAsync(searchRunId, RunStatus.Finished, time.GetUtcNow(), CancellationToken.None);
        return outcome;
    }

    /// <summary>The boosting rounds each boosted trial of <paramref name="trials"/> kept (its trial run's <c>rounds</c> metric: the
    /// early-stopping best round, or every round when it did not stop early), by trial number.</summary>
    private async Task<IReadOnlyDictionary<int, int>> BestRoundsAsync(IReadOnlyList<TrialSummary> trials, CancellationToken ct)
    {
        var rounds = new Dictionary<int, int>();
        foreach (var w in trials.Where(w => SearchSpaces.RoundsOption(w.Family) is not null && w.RunId is not null))
        {
            if (await store.Tracking.GetRunAsync(w.RunId!, ct) is { } trialRun && trialRun.Metrics.TryGetValue("rounds", out var r) && r >= 1)
                rounds[w.Number] = (int)Math.Round(r);
        }
        return rounds;
    }

    /// <summary>Front trials that also compete in a multi-objective search's final run, per family at most this many.</summary>
    public const int FrontCandidatesPerFamily = 3;

    /// <summary>A multi-objective search's front trials that compete in the final run beside each family's best: per family, the
    /// front trials other than its best that are cheaper than it by a margin the noise-tie rule sees (more than 1.5× faster with
    /// latency an objective, or at least 10 % smaller with size one), best by the metric first, at most
    /// <see cref="FrontCandidatesPerFamily"/>. Within noise of the best, the final run's noise-tie rule prefers the faster or
    /// smaller of them; a front trial only better on another metric could not win there, so none competes without latency or size.
    /// <paramref name="summaries"/> holds every trial of the study by number (summaries[n] is trial n), as FinishAsync builds them.</summary>
    internal static IReadOnlyList<TrialSummary> FrontCandidates(IReadOnlyList<ParetoPoint> front, IReadOnlyList<ParetoPoint> points,
        IReadOnlyList<TrialSummary> winners, IReadOnlyList<TrialSummary> summaries, bool higherIsBetter)
    {
        var best = winners.ToDictionary(w => w.Family, w => points.FirstOrDefault(p => p.Trial == w.Number), StringComparer.Ordinal);
        bool Cheaper(ParetoPoint p) => best.GetValueOrDefault(p.Family) is { } b && b.Trial != p.Trial
            && (p.Objectives.TryGetValue("latency", out var latency) && latency * 1.5 < b.Objectives["latency"]
                || p.Objectives.TryGetValue("size", out var size) && size < 0.9 * b.Objectives["size"]);
        return front.Where(Cheaper).Select(p => summaries[p.Trial])
            .Where(s => s.Value is not null)
            .GroupBy(s => s.Family)
            .SelectMany(g => (higherIsBetter ? g.OrderByDescending(s => s.Value) : g.OrderBy(s => s.Value)).ThenBy(s => s.Number).Take(FrontCandidatesPerFamily))
            .ToArray();
    }

    private static string FinalReportPath(string searchReport) =>
        Path.Combine(Path.GetDirectoryName(searchReport)!, Path.GetFileNameWithoutExtension(searchReport) + "-final.html");

    /// <summary>The prepared run that trains each family's best trial (the spec's fixed options of that type with the trial's sampled
    /// ones over them, as the trial ran) beside the spec's models of types not <paramref name="searched"/> (baselines, ensembles, and
    /// tunable types left out of the search, as given), tagged with the search run. Ensembles are not searched
    /// themselves; their members of a searched type take that type's best options (an ensemble of the tuned models). A
    /// multi-objective search's <paramref name="front"/> trials (<see cref="FrontCandidates"/>) compete too, as FAMILY-tN, when the
    /// final run chooses by cv.</summary>
    /// <remarks>A boosted winner trains the rounds its trial kept (<paramref name="bestRounds"/>, by trial number) with early stopping off, so
    /// its cv folds and its refit train the model the trial scored, not a new early stop on other rows. The final run chooses as
    /// `keel run` chooses by default (cv folds over train + validation when affordable, see <see cref="SelectionPlan"/>), not on
    /// the validation split, unless the spec asks for split.selection: validation; with the trials' cv it makes the same folds. A spec
    /// without models keeps <see cref="PreparedRun.OffersEnsemble"/>, so a cv final run adds the out-of-fold ensemble of the winners.</remarks>
    internal static PreparedRun FinalRun(PreparedRun run, IReadOnlyCollection<string> searched, IReadOnlyList<TrialSummary> winners, string searchRunId,
        IReadOnlyDictionary<int, int>? bestRounds = null, IReadOnlyList<TrialSummary>? front = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(searched);
        var best = winners.ToDictionary(w => w.Family, w => w.Options, StringComparer.Ordinal);
        var kept = run.Spec.Models.Where(m => !searched.Contains(m.Type))
            .Select(m => m with { Members = m.Members.Select(member => Tuned(member, best)).ToArray() }).ToList();
        if (kept.All(m => SearchSpaces.Tunable.Contains(m.Type))) kept.InsertRange(0, [new ModelSpec { Type = "random" }, new ModelSpec { Type = "zero_rule" }]);
        var tuned = winners.Select(w => new ModelSpec { Type = w.Family, Name = w.Family, Options = WithRounds(TrialRunner.Options(run.Spec, w.Family, w.Options), w, bestRounds) });
        var models = kept.Concat(tuned).ToArray();
        // The front's trials are variants of the families already counted: they do not tip the default rule from cv to validation,
        // and they compete only under cv, where the noise-tie rule can prefer them (on the validation split the best trial wins).
        var (selection, split) = SelectionPlan.Choose(run.Spec, Path.GetFileName(run.SpecPath), run.Table, run.Label, run.Strategy,
            run.Split, models.Length, run.Metric);
        if (selection.Mode == SelectionMode.Cv)
        {
            models = [.. models, .. (front ?? []).Select(t => new ModelSpec
            {
                Type = t.Family, Name = $"{t.Family}-t{t.Number}", Options = WithRounds(TrialRunner.Options(run.Spec, t.Family, t.Options), t, bestRounds),
            })];
        }
        var candidates = models.Select((m, i) => new Candidate(m, TrainerCatalog.Create(m, run.Task, i))).ToArray();
        return run with
        {
            Spec = run.Spec with { Models = models }, Candidates = candidates, Split = split, Selection = selection,
            Tags = new Dictionary<string, string> { [SearchRunTag] = searchRunId },
        };
    }

    /// <summary><paramref name="options"/> with the rounds <paramref name="trial"/> kept and early stopping off; unchanged without them.</summary>
    private static IReadOnlyDictionary<string, string> WithRounds(IReadOnlyDictionary<string, string> options, TrialSummary trial, IReadOnlyDictionary<int, int>? bestRounds) =>
        SearchSpaces.RoundsOption(trial.Family) is { } name && bestRounds?.TryGetValue(trial.Number, out var rounds) == true
            ? TrialRunner.Merge(options, new Dictionary<string, string> { [name] = rounds.ToString(CultureInfo.InvariantCulture), ["early_stopping_rounds"] = "0" })
            : options;

    /// <summary>An ensemble member with its searched type's best sampled options over its own; unchanged when its type was not searched.</summary>
    private static ModelSpec Tuned(ModelSpec member, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> best) =>
        best.TryGetValue(member.Type, out var sampled) ? member with { Options = TrialRunner.Merge(member.Options, sampled) } : member;

    private static TrialSummary Summary(TrialRecord t, SearchPlan plan)
    {
        var space = plan.Spaces[t.Group];
        var sampled = space.Active(t.Params).Where(p => t.Params.ContainsKey(p.Name)).ToDictionary(p => p.Name, p => p.Distribution.Format(t.Params[p.Name]), StringComparer.Ordinal);
        var seconds = t.EndedAt is { } end ? (end - t.StartedAt).TotalSeconds : 0;
        var rounds = t.Intermediate.Count == 0 ? 0 : t.Intermediate.Keys.Max();
        return new TrialSummary(t.Number, t.Group, t.State.ToString().ToLowerInvariant(), t.Value, t.Attempt, rounds, seconds, sampled, t.RunId);
    }

    private static FamilyBudget Budget(string family, IReadOnlyList<TrialRecord> trials, SearchPlan plan)
    {
        var mine = trials.Where(t => t.Group == family).ToArray();
        var complete = mine.Where(t => t.State == TrialState.Complete && t.Value is not null).ToArray();
        var best = complete.Length == 0 ? null : (plan.HigherIsBetter ? complete.MaxBy(t => t.Value) : complete.MinBy(t => t.Value));
        return new FamilyBudget(family, mine.Length, complete.Length, mine.Count(t => t.State == TrialState.Pruned), mine.Count(t => t.State == TrialState.Failed),
            mine.Sum(t => (long)(t.Intermediate.Count == 0 ? 0 : t.Intermediate.Keys.Max())),
            mine.Sum(t => t.EndedAt is { } e ? (e - t.StartedAt).TotalSeconds : 0), best?.Value, best?.Number);
    }

    private static Dictionary<string, string> Params(SearchPlan plan)
    {
        var p = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["search.study"] = plan.Study,
            ["search.sampler"] = plan.SamplerText,
            ["search.pruner"] = plan.PrunerText,
            ["search.seed"] = plan.Seed.ToString(CultureInfo.InvariantCulture),
            ["search.families"] = string.Join(",", plan.Families),
            ["search.trials"] = plan.PlannedTrials?.ToString(CultureInfo.InvariantCulture) ?? "unlimited",
            ["search.metric"] = plan.Metric,
            ["search.scoring"] = plan.Scoring,
        };
        foreach (var f in plan.Families) p[$"search.space.{f}"] = SearchSpaces.Describe(plan.Spaces[f]);
        return p;
    }

    private async Task MarkEndedAsync(string runId, RunStatus status, string tag, string reason)
    {
        try
        {
            await store.Tracking.LogBatchAsync(runId, new LogBatch { Tags = new Dictionary<string, string> { [tag] = reason } }, CancellationToken.None);
            await store.Tracking.SetRunStatusAsync(runId, status, time.GetUtcNow(), CancellationToken.None);
        }
        catch (KeelInputException)
        {
            // Already ended by another process (its lease ran out): that status stays.
        }
    }

    private static Task WriteReportAsync(string path, string html, CancellationToken ct) =>
        TextOutputs.WriteAsync(path, html, $"search report '{path}'", "", ct);
}

/// <summary>Passes on the name of each pipeline step as it finishes, on the reporting thread.</summary>
internal sealed class StepsDone(Action<string> done) : IProgress<PipelineProgress>
{
    public void Report(PipelineProgress value)
    {
        if (value.Done >= 1) done(value.Step);
    }
}
