using System.Globalization;
using System.Text.Json;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Data;
using Keel.Evaluation;
using Keel.Tracking;

namespace Keel.Pipeline;

/// <summary>One step of a run reached a new point: <paramref name="Step"/> is 0..1 done.</summary>
public sealed record PipelineProgress(string Step, double Done);

/// <summary>Executes a prepared run against a store: train, evaluate, select, refit, gate, report, register — all tracked.</summary>
/// <remarks>
/// The run's process keeps a heartbeat while it works. Registration, the alias move and finishing the run are one store
/// transaction, done last, after the report is written and logged: a run that fails or dies before it never leaves a version.
/// </remarks>
/// <param name="store">Where the run is tracked.</param>
/// <param name="time">Clock for run times and heartbeats.</param>
/// <param name="progress">Receives step progress.</param>
/// <param name="actor">Who moves the alias (the user), recorded in the alias history.</param>
public sealed class RunPipeline(KeelStore store, TimeProvider time, IProgress<PipelineProgress> progress, string actor)
{
    /// <summary>Tags written on the run when it is created, e.g. a retraining's lineage. Default none.</summary>
    public IReadOnlyDictionary<string, string> ExtraTags { get; init; } = new Dictionary<string, string>();

    /// <summary>A last check before registration, given the final model once every gate passed: null registers it, a text is the
    /// reason it is not registered (e.g. a retrained challenger that does not beat its champion). Default none.</summary>
    public Func<CandidateOutcome, CancellationToken, Task<string?>>? RegistrationCheck { get; init; }

    public static IReadOnlyList<string> Steps(PreparedRun run) =>
        [.. run.Candidates.Select(c => $"train {c.Name}"), "refit", "evaluate", "report", "register"];

    public async Task<RunOutcome> ExecuteAsync(PreparedRun run, Func<string, string> reportPathFor, CancellationToken ct)
    {
        await RunRecovery.MarkAbandonedRunsAsync(store.Tracking, store.Options.RunLease, time, ct);
        var env = RunEnvironment.Capture(Path.GetDirectoryName(run.SpecPath)!);
        var experiment = await store.Tracking.GetOrCreateExperimentAsync(run.Experiment, ct);
        var tags = new Dictionary<string, string>(env.Values) { ["keel.spec"] = run.SpecPath };
        foreach (var (k, v) in ExtraTags) tags[k] = v;
        foreach (var (k, v) in run.Tags) tags[k] = v;
        var started = time.GetUtcNow();
        var created = await store.Tracking.CreateRunAsync(experiment.Id, $"{run.Experiment}-{started:yyyyMMdd-HHmmss}", started, tags, ct);
        var tracker = new RunTracker(store, created.Id, time);
        await using var heartbeat = RunHeartbeat.Start(store.Tracking, created.Id, time, store.Options.HeartbeatInterval);
        try
        {
            return await ExecuteTrackedAsync(run, tracker, env, started, reportPathFor(created.Id), ct);
        }
        catch (Exception e)
        {
            // The run is kept as failed with the reason, so a later look at the store shows what happened.
            // An interrupted run (Ctrl+C, SIGTERM) is killed, not failed: nothing was wrong with its inputs.
            var status = e is OperationCanceledException ? RunStatus.Killed : RunStatus.Failed;
            var tag = status == RunStatus.Killed ? RunTags.KilledReason : RunTags.Error;
            await MarkEndedAsync(created.Id, status, tag, e.Message);
            throw;
        }
    }

    /// <summary><paramref name="run"/> with each candidate's row-count-dependent defaults (LightGBM's categorical limits,
    /// random_forest's tree count) fixed once from the run's training rows (train + validation, the rows the final model may be refitted on), so every fit of the run (cv
    /// folds, refit, learning curve) uses the values its params record, however many rows the fit itself has.</summary>
    internal static PreparedRun WithTrainingRows(PreparedRun run) =>
        run with { Candidates = [.. run.Candidates.Select(c => c with { Trainer = WithTrainingRows(run, c.Trainer) })] };

    /// <summary><paramref name="trainer"/> with its row-count-dependent defaults fixed from <paramref name="run"/>'s training rows
    /// (train + validation): the one rule for every fit of keel run and every trial of keel search, so a trial tunes the model
    /// family settings the final run trains with.</summary>
    internal static Keel.Training.ITrainer WithTrainingRows(PreparedRun run, Keel.Training.ITrainer trainer) =>
        trainer.ForTrainingRows((long)run.Split.Train.Length + run.Split.Validation.Length);

    /// <summary>The per-feature description of a model's featurizer; none for models without one.</summary>
    private static IReadOnlyList<Keel.Training.Featurization.FeatureDescription> Describe(CandidateOutcome model) =>
        model.Model is Keel.Training.IFeaturizedModel f ? Keel.Training.Featurization.FeatureDescriptions.Describe(f.Featurizer) : [];

    /// <summary>The registered model's options that differ from its candidate's (CANDIDATE.OPTION) as final.OPTION: a boosted candidate
    /// that stopped early is refitted (or, with cv, fitted on every row) for the rounds it kept, without early stopping.</summary>
    private static Dictionary<string, string> FinalParams(Candidate candidate, CandidateOutcome final) =>
        final.Params.Where(p => candidate.Trainer.EffectiveParams.GetValueOrDefault(p.Key) != p.Value)
            .ToDictionary(p => $"final.{p.Key}", p => p.Value, StringComparer.Ordinal);

    /// <summary>What self-training did for one fit, as run parameters (rounds, rows added in all and per round).</summary>
    private static Dictionary<string, string> SelfTrainingParams(string fit, Labels.SelfTrainingSummary s) => new(StringComparer.Ordinal)
    {
        [$"labels.self_training.{fit}.rounds"] = s.Iterations.ToString(CultureInfo.InvariantCulture),
        [$"labels.self_training.{fit}.added"] = s.Added.Length.ToString(CultureInfo.InvariantCulture),
        [$"labels.self_training.{fit}.added_per_round"] = string.Join(",", s.AddedPerIteration),
    };

    private async Task MarkEndedAsync(string runId, RunStatus status, string tag, string reason)
    {
        try
        {
            await store.Tracking.LogBatchAsync(runId, new LogBatch { Tags = new Dictionary<string, string> { [tag] = reason } }, CancellationToken.None);
            await store.Tracking.SetRunStatusAsync(runId, status, time.GetUtcNow(), CancellationToken.None);
        }
        catch (Keel.Core.KeelInputException)
        {
            // Already ended by another process (its lease expired and it was marked killed): that status stays.
        }
    }

    private async Task<RunOutcome> ExecuteTrackedAsync(PreparedRun run, RunTracker tracker, RunEnvironment env, DateTimeOffset started, string reportPath, CancellationToken ct)
    {
        var meter = new StepMeter(time);
        run = WithTrainingRows(run);
        var trainer = new CandidateTrainer(run, time);
        var parameters = RunParams(run);
        if (trainer.Resampled is { } resampled)
        {
            parameters["imbalance.method"] = resampled.Method;
            parameters["imbalance.k"] = run.Spec.Imbalance!.K.ToString(CultureInfo.InvariantCulture);
            parameters["imbalance.seed"] = (run.Spec.Imbalance.Seed ?? run.Seed).ToString(CultureInfo.InvariantCulture);
            parameters["imbalance.train_rows_before"] = string.Join(",", resampled.Before.Select(kv => $"{kv.Key}={kv.Value}"));
            parameters["imbalance.train_rows_after"] = string.Join(",", resampled.After.Select(kv => $"{kv.Key}={kv.Value}"));
        }
        if (run.Spec.Data.Weight is { } weight) parameters["data.weight"] = weight;
        if (run.Spec.Imbalance?.ClassWeight is { } classWeight)
            parameters["imbalance.class_weight"] = classWeight.Balanced ? "balanced" : string.Join(",", classWeight.Given.Select(kv => $"{kv.Key}={kv.Value.ToString("R", CultureInfo.InvariantCulture)}"));
        if (TrainingWeights.IgnoredBy(run) is { Count: > 0 } ignoredBy) parameters["weights.ignored_by"] = string.Join(",", ignoredBy);
        if (run.Spec.Augment is { } augment)
        {
            parameters["augment.copies"] = augment.Copies.ToString(CultureInfo.InvariantCulture);
            parameters["augment.noise"] = augment.Noise.ToString("R", CultureInfo.InvariantCulture);
            parameters["augment.seed"] = (augment.Seed ?? run.Seed).ToString(CultureInfo.InvariantCulture);
            foreach (var (column, map) in augment.Swaps) parameters[$"augment.swaps.{column}"] = string.Join(",", map.Select(kv => $"{kv.Key}>{kv.Value}"));
        }
        if (run.Pool is { } pool)
        {
            parameters["labels.unlabelled_rows"] = pool.Features.RowCount.ToString(CultureInfo.InvariantCulture);
            if (run.Spec.Labels!.Weak is { } weakRules)
            {
                parameters["labels.weak"] = weakRules;
                parameters["labels.weak.min_confidence"] = run.Spec.Labels.MinConfidence.ToString("R", CultureInfo.InvariantCulture);
                parameters["labels.weak.rows"] = pool.WeakRows.Length.ToString(CultureInfo.InvariantCulture);
                if (pool.WeakAccuracy is { } acc) parameters["labels.weak.accuracy_on_labelled"] = acc.ToString("R", CultureInfo.InvariantCulture);
            }
            if (run.Spec.Labels.SelfTraining is { } st)
            {
                parameters["labels.self_training.threshold"] = st.Threshold.ToString("R", CultureInfo.InvariantCulture);
                parameters["labels.self_training.iterations"] = st.Iterations.ToString(CultureInfo.InvariantCulture);
            }
        }
        await tracker.LogParamsAsync(parameters, ct);
        var profile = TableProfiler.Profile(run.Table);
        await tracker.LogInputsAsync(run, profile, ct);

        var outcomes = new List<CandidateOutcome>();
        var fitFindings = new List<Keel.Data.Quality.Finding>();
        foreach (var candidate in run.Candidates)
        {
            ct.ThrowIfCancellationRequested();
            var step = $"train {candidate.Name}";
            progress.Report(new PipelineProgress(step, 0.05));
            var trained = run.Selection.Mode == Keel.Core.Spec.SelectionMode.Cv ? CrossValidated(trainer, candidate, step) : trainer.Train(candidate);
            if (trainer.SelfTrained is { } self) await tracker.LogParamsAsync(SelfTrainingParams(candidate.Name, self), ct);
            if (run.Spec.Leakage != Keel.Core.Spec.CheckMode.Off) fitFindings.AddRange(DataCheckStep.FittedOnTrainOnly(candidate.Name, trained.Model, trainer.LastTrainFeatures, run.Spec.Features));
            outcomes.Add(trained);
            await tracker.LogCandidateAsync(trained, run, ct);
            await tracker.LogMetricsAsync(meter.Lap(step), ct);
            progress.Report(new PipelineProgress(step, 1));
        }

        trainer.ClearFolds();
        if (OutOfFoldEnsemble.Choose(run, outcomes) is { } plan)
        {
            ct.ThrowIfCancellationRequested();
            var ensembleParams = OutOfFoldEnsemble.Params(plan, outcomes);
            var ensemble = trainer.Assemble(plan.Members.Select(i => outcomes[i]).ToArray(), plan.Weights.Select(w => (double)w).ToArray(), plan.CrossValidation, ensembleParams);
            outcomes.Add(ensemble);
            var logged = ensembleParams.ToDictionary(kv => $"{OutOfFoldEnsemble.Name}.{kv.Key}", kv => kv.Value);
            logged[$"{OutOfFoldEnsemble.Name}.type"] = ensemble.Type;
            await tracker.LogParamsAsync(logged, ct);
            await tracker.LogCandidateAsync(ensemble, run, ct);
            await tracker.LogMetricsAsync(meter.Lap($"train {OutOfFoldEnsemble.Name}"), ct);
        }

        progress.Report(new PipelineProgress("refit", 0.05));
        var selection = Select(run, outcomes);
        var selectedIndex = outcomes.FindIndex(o => o.Name == selection.Selected);
        var selected = outcomes[selectedIndex];
        // The out-of-fold ensemble (cv only, after the spec's candidates) has no refit: its members are already fitted on every training row.
        var final = run.Spec.Split.Refit && run.Split.Validation.Length > 0 && selectedIndex < run.Candidates.Count ? trainer.Refit(run.Candidates[selectedIndex], selected) : selected;
        var refit = !ReferenceEquals(final, selected);
        if (selectedIndex < run.Candidates.Count && FinalParams(run.Candidates[selectedIndex], final) is { Count: > 0 } finalParams)
            await tracker.LogParamsAsync(finalParams, ct);
        if (refit && trainer.SelfTrained is { } selfRefit) await tracker.LogParamsAsync(SelfTrainingParams("final", selfRefit), ct);
        if (refit && run.Spec.Leakage != Keel.Core.Spec.CheckMode.Off)
            fitFindings.AddRange(DataCheckStep.FittedOnTrainOnly("final", final.Model, trainer.LastTrainFeatures, run.Spec.Features));
        var checks = run.Checks with { Leakage = [.. run.Checks.Leakage, .. fitFindings] };
        await tracker.LogChecksAsync(checks, Keel.Data.Contracts.DataContract.Infer(new Keel.Core.Data.Table([.. run.Features.Columns, run.Table[run.Spec.Data.Label]]).Take(run.Split.Train)), ct);
        if (run.Spec.Leakage == Keel.Core.Spec.CheckMode.Error) DataCheckStep.FailOnLeakage(Path.GetFileName(run.SpecPath), fitFindings);
        var decision = DecisionStep.Choose(run, selected);
        var undecided = final;
        if (decision is { } d) final = DecisionStep.Apply(run, final, d.Rule);
        var finalInfo = new FinalModel(selected.Name, refit, run.Split.Train.Length + (refit ? run.Split.Validation.Length : 0),
            final.TestMetrics, final.ModelBytes, final.TrainSeconds, final.PredictUsPerRow);
        var modelEntry = await tracker.LogFinalAsync(final, finalInfo, run, ct);
        // The monitoring reference is stored with the run before registration, so a registered version always has one.
        await tracker.LogReferenceAsync(Monitor.RunReference.Build(run, final, refit), ct);

        await tracker.LogMetricsAsync(meter.Lap("refit"), ct);
        progress.Report(new PipelineProgress("refit", 1));

        progress.Report(new PipelineProgress("evaluate", 0.05));
        var champion = await ChampionAsync(run, outcomes, ct);
        var evaluations = TestEvaluations.Evaluate(run, outcomes, selected, final, refit,
            decision?.Rule.Calibration is null ? null : undecided.TestPredictions, decision?.Result, champion?.Test);
        if (run.Spec.Evaluation.LearningCurve)
        {
            progress.Report(new PipelineProgress("evaluate", 0.5));
            evaluations = new Dictionary<string, TestReport>(evaluations) { [selected.Name] = evaluations[selected.Name] with { LearningCurve = trainer.LearningCurve(run.Candidates[selectedIndex]) } };
        }
        foreach (var e in evaluations.Values) await tracker.LogEvaluationAsync(e, ct);
        await tracker.LogMetricsAsync(meter.Lap("evaluate"), ct);
        progress.Report(new PipelineProgress("evaluate", 1));

        var byName = outcomes.ToDictionary(o => o.Name, o => o.Name == selected.Name ? final.TestMetrics : o.TestMetrics);
        if (champion is { } ch) byName[Gates.Champion] = ch.Metrics;
        var gates = Gates.Check(run.Spec.Register.Gates, selected.Name, byName, run.Metric, evaluations[selected.Name]);
        var (toRegister, reason) = PlanRegistration(run, tracker.RunId, final, finalInfo, modelEntry, gates);
        if (toRegister is not null && RegistrationCheck is not null && await RegistrationCheck(final, ct) is { } refused) (toRegister, reason) = (null, refused);
        // keel.registered is written by the completion below, with the version number it assigns.
        await tracker.LogSelectionAsync(selected.Name, gates, null, reason, ct);

        progress.Report(new PipelineProgress("report", 0.1));
        // Version 0 stands for "not assigned yet": the report says "registering as NAME@ALIAS", the number comes from the transaction.
        var pending = toRegister is null ? null : new RegisteredOut(toRegister.Name, 0, run.Spec.Register.Alias);
        var outcome = new RunOutcome(tracker.RunId, run.Experiment, RunPreparation.Lower(run.Task),
            new DataSummaryOut(run.Data.Path, run.Data.Format, run.Data.Sha256, run.Table.RowCount, run.Data.Table.Columns.Count, run.Label.DroppedMissing, run.Spec.Data.Label),
            new SplitSizes(RunPreparation.Lower(run.Strategy), run.Split.Train.Length, run.Split.Validation.Length, run.Split.Test.Length),
            run.Metric, outcomes, selected.Name, finalInfo, gates, pending, reason, reportPath) { Evaluations = evaluations, Checks = checks, Sample = run.Sample, Features = Describe(undecided), Selection = selection };
        var html = ReportMapper.Render(run, profile, outcome, final, env, started);
        await WriteReportAsync(reportPath, html, ct);
        await tracker.LogReportAsync(reportPath, ct);
        await tracker.LogMetricsAsync([.. meter.Lap("report"), .. meter.Total()], ct);
        progress.Report(new PipelineProgress("report", 1));

        progress.Report(new PipelineProgress("register", 0.1));
        ct.ThrowIfCancellationRequested();
        var completed = await store.Registry.CompleteRunAsync(new RunCompletion
        {
            RunId = tracker.RunId,
            EndTime = time.GetUtcNow(),
            Version = toRegister,
            Alias = toRegister is null ? null : run.Spec.Register.Alias,
            Actor = actor,
            Reason = $"keel run {tracker.RunId}",
        }, CancellationToken.None); // once started, the commit is not interrupted half-way by a signal: it is one transaction anyway
        progress.Report(new PipelineProgress("register", 1));
        return outcome with { Registered = completed.Version is { } v ? new RegisteredOut(v.Name, v.Version, completed.AliasMove?.Alias) : null };
    }

    /// <summary>Cross-validates a candidate over the run's folds, then fits it on every training row (the model it ships if chosen).</summary>
    private CandidateOutcome CrossValidated(CandidateTrainer trainer, Candidate candidate, string step)
    {
        var cv = trainer.CrossValidate(candidate);
        progress.Report(new PipelineProgress(step, 0.8));
        return trainer.Train(candidate, cv);
    }

    /// <summary>Chooses among the candidates, never on test: a single candidate by itself; on validation the best by the metric; with cv
    /// the best fold mean, unless others are within noise of it, when the noise-tie rule prefers the simplest (<see cref="NoiseTie"/>), or,
    /// with <c>split.ties: best</c>, the best is kept and the tie still reported.</summary>
    internal static SelectionOut Select(PreparedRun run, IReadOnlyList<CandidateOutcome> outcomes)
    {
        var plan = run.Selection;
        var folds = plan.Mode == Keel.Core.Spec.SelectionMode.Cv ? plan.Folds.Count : 0;
        var kind = plan.Kind?.ToString().ToLowerInvariant();
        if (outcomes.Count == 1) return new SelectionOut(plan.Name, folds, kind, plan.Reason, outcomes[0].Name, outcomes[0].Name, [], null);
        var best = outcomes[ModelSelector.SelectBest(outcomes.Select(o => o.ValidationMetrics).ToArray(), run.Metric)].Name;
        if (folds == 0)
        {
            return new SelectionOut(plan.Name, 0, null, plan.Reason, best, best, [], run.Spec.Split.Ties == Keel.Core.Spec.TieBreak.Best
                ? "split.ties: best has no effect here: selection on validation has no folds to call a tie on, and the best on validation is chosen" : null);
        }
        var verdict = NoiseTie.Decide(outcomes.Select(o => new TieCandidate(o.Type,
            o.CrossValidation!.FoldMetrics.Select(m => m.GetValueOrDefault(run.Metric, double.NaN)).ToArray(), o.PredictUsPerRow, o.ModelBytes)).ToArray(), run.Metric);
        if (verdict is null) return new SelectionOut(plan.Name, folds, kind, plan.Reason, best, best, [], null);
        var tied = verdict.Tied.Count > 1 ? verdict.Tied.Select(i => outcomes[i].Name).ToArray() : [];
        if (run.Spec.Split.Ties == Keel.Core.Spec.TieBreak.Best && verdict.Chosen != verdict.Best)
        {
            return new SelectionOut(plan.Name, folds, kind, plan.Reason, outcomes[verdict.Best].Name, outcomes[verdict.Best].Name, tied,
                $"{verdict.Tied.Count} candidates within noise of the best; chose the best by fold mean (split.ties: best; the noise-tie rule would have chosen {outcomes[verdict.Chosen].Name})");
        }
        return new SelectionOut(plan.Name, folds, kind, plan.Reason, outcomes[verdict.Best].Name, outcomes[verdict.Chosen].Name, tied, verdict.Detail);
    }

    /// <summary>The registry's champion of the run's model name predicting the test rows, for the significance test against the
    /// new model; null when there is none, a candidate is called "champion", or it cannot read these rows (another schema).</summary>
    private async Task<(Keel.Core.Models.Predictions Test, IReadOnlyDictionary<string, double> Metrics)?> ChampionAsync(PreparedRun run,
        IReadOnlyList<CandidateOutcome> outcomes, CancellationToken ct)
    {
        if (outcomes.Any(o => o.Name == Gates.Champion)) return null;
        if (await store.Registry.GetByAliasAsync(run.ModelName, Gates.Champion, ct) is not { } version) return null;
        try
        {
            var loaded = await Predict.ModelLoader.LoadAsync(store.Artifacts, version, ct);
            var test = loaded.Predict(run.Features.Take(run.Split.Test));
            return (test, Evaluator.Evaluate(run.Label.Labels.Take(run.Split.Test), test).Metrics);
        }
        catch (Keel.Core.KeelInputException)
        {
            // The champion reads other columns or classes: it is not comparable on these rows.
            return null;
        }
    }

    private static Task WriteReportAsync(string reportPath, string html, CancellationToken ct) =>
        TextOutputs.WriteAsync(reportPath, html, $"report '{reportPath}'", "; the run is marked failed and no model was registered", ct);

    /// <summary>The version to register when registration is on and every gate passed; otherwise null and why not.</summary>
    private (ModelVersion?, string?) PlanRegistration(PreparedRun run, string runId, CandidateOutcome final, FinalModel info,
        ArtifactEntry modelEntry, IReadOnlyList<GateResult> gates)
    {
        if (!run.Spec.Register.Enabled) return (null, "registration is off (register.enabled: false)");
        var failed = gates.Where(g => !g.Passed).ToArray();
        if (failed.Length > 0) return (null, "gates failed: " + string.Join("; ", failed.Select(g => $"{g.Gate} ({g.Detail})")));
        return (new ModelVersion
        {
            Name = run.ModelName,
            SourceRunId = runId,
            ModelSha256 = modelEntry.Sha256,
            Candidate = info.Candidate,
            Task = RunPreparation.Lower(run.Task),
            SchemaJson = SchemaJson(run),
            DataSha256 = run.Data.Sha256,
            Metrics = final.TestMetrics,
            CreatedAt = time.GetUtcNow(),
        }, null);
    }

    /// <summary>The input schema of the registered model: feature columns and types, the label and its classes.</summary>
    public static string SchemaJson(PreparedRun run) => JsonSerializer.Serialize(new
    {
        label = run.Spec.Data.Label,
        task = RunPreparation.Lower(run.Task),
        classes = run.Label.Labels.Classes,
        features = run.Features.Columns.Select(c => new { name = c.Name, type = c.Type.ToString().ToLowerInvariant() }),
    }, new JsonSerializerOptions { WriteIndented = true });

    private static Dictionary<string, string> RunParams(PreparedRun run)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var p = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["data.path"] = run.Data.Path,
            ["data.format"] = run.Data.Format,
            ["data.sha256"] = run.Data.Sha256,
            ["data.rows"] = run.Table.RowCount.ToString(CultureInfo.InvariantCulture),
            ["data.label"] = run.Spec.Data.Label,
            ["task"] = RunPreparation.Lower(run.Task),
            ["metric"] = run.Metric,
            ["seed"] = run.Seed.ToString(CultureInfo.InvariantCulture),
            ["split.strategy"] = RunPreparation.Lower(run.Strategy),
            ["split.test_fraction"] = F(run.Spec.Split.TestFraction),
            ["split.validation_fraction"] = F(run.Spec.Split.ValidationFraction),
            ["split.seed"] = (run.Spec.Split.Seed ?? run.Seed).ToString(CultureInfo.InvariantCulture),
            ["split.refit"] = run.Spec.Split.Refit ? "true" : "false",
            ["split.selection"] = run.Selection.Name,
        };
        if (run.Selection.Kind is { } foldKind)
        {
            p["split.folds"] = run.Selection.Folds.Count.ToString(CultureInfo.InvariantCulture);
            p["split.fold_kind"] = foldKind.ToString().ToLowerInvariant();
            p["split.ties"] = RunPreparation.Lower(run.Spec.Split.Ties);
        }
        if (run.Sample is { } sample)
        {
            p["data.sample.strategy"] = sample.Strategy;
            p["data.sample.seed"] = sample.Seed.ToString(CultureInfo.InvariantCulture);
            p["data.sample.input_rows"] = sample.InputRows.ToString(CultureInfo.InvariantCulture);
            p["data.sample.rows"] = sample.SampledRows.ToString(CultureInfo.InvariantCulture);
            if (run.Spec.Data.Sample!.N is { } n) p["data.sample.n"] = n.ToString(CultureInfo.InvariantCulture);
            if (run.Spec.Data.Sample.By is { } by) p["data.sample.by"] = by;
            if (run.Spec.Data.Sample.WeightColumn is { } w) p["data.sample.weights"] = w;
            if (run.Spec.Data.Sample.ClassRates is { } rates) p["data.sample.weights"] = string.Join(",", rates.Select(kv => $"{kv.Key}={F(kv.Value)}"));
        }
        if (run.Spec.Data.Ignore.Count > 0) p["data.ignore"] = string.Join(",", run.Spec.Data.Ignore);
        if (run.Spec.Data.TimeFeatures.Count > 0) p["data.time_features"] = string.Join(",", run.Spec.Data.TimeFeatures);
        if (run.Spec.Split.Predefined?.TestRows is { } tr) p["split.predefined.test_rows"] = tr;
        if (run.Spec.Split.Predefined?.Column is { } col) p["split.predefined.column"] = col;
        foreach (var c in run.Candidates)
        {
            p[$"{c.Name}.type"] = c.Trainer.Type;
            foreach (var (k, v) in c.Trainer.EffectiveParams) p[$"{c.Name}.{k}"] = v;
        }
        return p;
    }
}
