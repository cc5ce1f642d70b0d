using System.Globalization;
using Keel.Core;
using Keel.Core.Spec;
using Keel.Core.Tracking;
using Keel.Data;
using Keel.Evaluation;
using Keel.Search;
using Keel.Tracking;
using Keel.Training;
using Keel.Training.Featurization;

namespace Keel.Pipeline.Search;

/// <summary>How one trial ended, as the worker saw it.</summary>
public sealed record TrialEnd(int Number, string Family, Core.Search.TrialState State, double? Value, int Rounds, double TrainSeconds, bool Lost);

/// <summary>
/// Trains one trial as a tracked child run of the search run: fits on train, scores on validation (with split.selection: cv, fits on
/// each fold's training rows and scores the mean over the folds); a boosted trial trains in rungs (10, 30, 90, ... rounds, then all)
/// and reports its validation loss after every round (the fold mean), so the pruner can stop it between rungs.
/// One instance per worker: it keeps that worker's featurised matrices.
/// </summary>
/// <param name="store">Where trial runs and the study live.</param>
/// <param name="run">The prepared run whose rows and spec the trials train on.</param>
/// <param name="plan">The search plan: study, scoring, metric, pruning rungs.</param>
/// <param name="time">Clock for runs, heartbeats and timings.</param>
/// <param name="rows">The spec's training rows, weights and rebalancing, prepared as keel run prepares them: the scoring sets are
/// made from them, and a self-training trial trains on them.</param>
internal sealed class TrialRunner(KeelStore store, PreparedRun run, SearchPlan plan, TimeProvider time, TrainingRows rows)
{
    /// <summary>A runner of <paramref name="run"/>'s trials over its own <see cref="TrainingRows"/>.</summary>
    public TrialRunner(KeelStore store, PreparedRun run, SearchPlan plan, TimeProvider time) : this(store, run, plan, time, new TrainingRows(run))
    {
    }

    /// <summary>Where a trial is fitted and scored: the train and validation splits, or with split.selection: cv each fold's rows and
    /// the inner split of its training rows (one feature cache each); both as keel run's <see cref="CandidateTrainer"/> builds them.</summary>
    private readonly ScoringSet[] _sets = Sets(run, rows);

    private static ScoringSet[] Sets(PreparedRun run, TrainingRows rows) => run.Selection.Mode == Core.Spec.SelectionMode.Cv
        ? rows.CvFolds().Select(f => new ScoringSet(f.Train, f.Validation, f.ValidationWeights, true,
            f.InnerTrain is null ? null : (f.InnerTrain, f.InnerValidation!), f.Cache)).ToArray()
        : [new ScoringSet(rows.Train(run.Split.Train), rows.Watched(run.Split.Validation), rows.RowWeights(run.Split.Validation), false, null, new())];

    /// <summary>One place a trial is scored: <paramref name="Validation"/>'s rows weighed by <paramref name="Weights"/> (data.weight, as
    /// keel run's validation metrics). <paramref name="Inner"/> is the cv fold's inner split (<see cref="SelectionPlan.Inner"/>):
    /// a trial that learns from validation rows (early stopping, calibration) fits on its training rows and watches its validation
    /// rows, as keel run's cv does, so the rows that score the fold are never the rows it stopped on.</summary>
    private sealed record ScoringSet(TrainingData Train, TrainingData Validation, double[]? Weights, bool Cv, (TrainingData Train, TrainingData Validation)? Inner, FeatureCache Cache);

    /// <summary>The rows a trial fits on and watches. On the validation split: train and validation. In a cv fold, as keel run's
    /// cv: a trainer that learns from validation rows gets the inner split (or none when the fold has no inner split); a boosted one
    /// with early stopping off still reports its loss per round on the fold's rows (for the pruner only: nothing learns from
    /// them); any other trainer gets no validation rows.</summary>
    private static (TrainingData Train, TrainingData? Validation) FitRows(ScoringSet set, bool usesValidation, bool boosted) =>
        !set.Cv ? (set.Train, set.Validation)
        : usesValidation ? (set.Inner?.Train ?? set.Train, set.Inner?.Validation)
        : (set.Train, boosted ? set.Validation : null);

    /// <summary>Tag naming the search run a trial run belongs to (MLflow's parent-run convention).</summary>
    public const string ParentTag = RunTags.Parent;

    public async Task<TrialEnd> RunAsync(Trial trial, string experimentId, string parentRunId, CancellationToken ct)
    {
        var family = trial.Group;
        var options = Options(run.Spec, family, trial.Options);
        var tags = new Dictionary<string, string>
        {
            [ParentTag] = parentRunId,
            ["keel.study"] = plan.Study,
            ["keel.trial"] = trial.Number.ToString(CultureInfo.InvariantCulture),
            ["keel.trial_attempt"] = trial.Lease.Attempt.ToString(CultureInfo.InvariantCulture),
            ["keel.family"] = family,
        };
        var created = await store.Tracking.CreateRunAsync(experimentId, $"{plan.Study}-t{trial.Number:D3}", time.GetUtcNow(), tags, ct);
        await trial.SetRunAsync(created.Id, ct);
        await using var heartbeat = RunHeartbeat.Start(store.Tracking, created.Id, time, store.Options.HeartbeatInterval);
        await store.Tracking.LogBatchAsync(created.Id, new LogBatch
        {
            Params = new Dictionary<string, string>(options.Select(kv => KeyValuePair.Create($"{family}.{kv.Key}", kv.Value))) { ["family"] = family, ["scoring"] = plan.Scoring },
        }, ct);
        var start = time.GetTimestamp();
        var meter = new StepMeter(time);
        try
        {
            var (state, value, values, rounds) = await TrainAsync(trial, family, options, created.Id, ct);
            var seconds = time.GetElapsedTime(start).TotalSeconds;
            var now = time.GetUtcNow();
            // One step per trial: with several workers in one process, CPU and peak memory are the process's, shared between them.
            var metrics = new List<MetricPoint>([.. meter.Lap("train"), .. meter.Total()]) { new("train_seconds", seconds, 0, now), new("rounds", rounds, 0, now) };
            if (value is { } v) metrics.Add(new($"val.{plan.Metric}", v, 0, now));
            await store.Tracking.LogBatchAsync(created.Id, new LogBatch { Metrics = metrics, Tags = new Dictionary<string, string> { ["keel.trial_state"] = Lower(state) } }, ct);
            var held = state == Core.Search.TrialState.Pruned ? await trial.PruneAsync(ct) : await trial.CompleteAsync(value!.Value, values, ct);
            await store.Tracking.SetRunStatusAsync(created.Id, RunStatus.Finished, time.GetUtcNow(), ct);
            return new TrialEnd(trial.Number, family, state, value, rounds, seconds, !held);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A configuration that cannot train fails this trial only; the search goes on (it is not retried: it would fail again).
            var reason = e is KeelInputException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            var held = await trial.FailAsync(reason, CancellationToken.None);
            await store.Tracking.LogBatchAsync(created.Id, new LogBatch { Tags = new Dictionary<string, string> { [RunTags.Error] = reason, ["keel.trial_state"] = "failed" } }, CancellationToken.None);
            await store.Tracking.SetRunStatusAsync(created.Id, RunStatus.Failed, time.GetUtcNow(), CancellationToken.None);
            return new TrialEnd(trial.Number, family, Core.Search.TrialState.Failed, null, 0, time.GetElapsedTime(start).TotalSeconds, !held);
        }
    }

    private async Task<(Core.Search.TrialState State, double? Value, IReadOnlyList<double>? Values, int Rounds)> TrainAsync(Trial trial, string family, IReadOnlyDictionary<string, string> options, string runId, CancellationToken ct)
    {
        var roundsOption = SearchSpaces.RoundsOption(family);
        var trainer = Create(family, options);
        var rounds = roundsOption is null ? 0 : int.Parse(trainer.EffectiveParams[roundsOption], CultureInfo.InvariantCulture);
        var rungs = roundsOption is null ? [0] : plan.Rungs(rounds);
        var usesValidation = trainer.UsesValidation;
        // With labels.self_training, keel run self-trains each candidate on the train split (never with cv): so does each trial.
        var selfTrained = run.Spec.Labels?.SelfTraining is null || _sets[0].Cv ? null
            : rows.Train(run.Split.Train, new Candidate(new ModelSpec { Type = family, Options = options }, trainer));
        var reported = 0;
        var fits = new FitResult[_sets.Length];
        // In cv, a boosted trial with early stopping trains one round count on every fold, chosen on the folds' mean inner curve as
        // keel run's cv chooses it (CvRounds): its last rung fits every round on the inner splits, then each fold that round count.
        var cvRounds = _sets[0].Cv && CvRounds.Applies(trainer);
        int? chosen = null;
        foreach (var rung in rungs)
        {
            ct.ThrowIfCancellationRequested();
            var last = rung == rungs[^1];
            var rungOptions = last || roundsOption is null ? options
                : new Dictionary<string, string>(options) { [roundsOption] = rung.ToString(CultureInfo.InvariantCulture), ["early_stopping_rounds"] = "0" };
            if (last && cvRounds)
            {
                fits = CvRounds.InnerFits(trainer, _sets.Select(set => (set.Inner?.Train ?? set.Train, set.Inner?.Validation, run.Context(set.Cache))).ToArray());
            }
            else
            {
                var rungTrainer = ReferenceEquals(rungOptions, options) ? trainer : Create(family, rungOptions);
                for (var i = 0; i < _sets.Length; i++)
                {
                    var (train, validation) = FitRows(_sets[i], usesValidation, roundsOption is not null);
                    train = selfTrained ?? train;
                    fits[i] = rungTrainer.Fit(train, validation, run.Context(_sets[i].Cache));
                }
            }
            var mean = CvRounds.Mean(fits);
            if (last && cvRounds) chosen = CvRounds.Rounds(trainer, mean);
            var fresh = mean.Points.Where(p => p.Iteration > reported).Select(p => KeyValuePair.Create(p.Iteration, p.Validation!.Value)).ToArray();
            if (fresh.Length == 0) continue;
            reported = fresh[^1].Key;
            var prunedAt = await trial.ReportAsync(fresh, ct);
            // The run's curve, like the study's, ends at the round the pruner stopped the trial at.
            var now = time.GetUtcNow();
            await store.Tracking.LogBatchAsync(runId, new LogBatch
            {
                Metrics = fresh.Where(kv => prunedAt is not { } at || kv.Key <= at).Select(kv => new MetricPoint($"loss.validation", kv.Value, kv.Key, now)).ToArray(),
            }, ct);
            if (prunedAt is { } stop) return (Core.Search.TrialState.Pruned, null, null, stop);
        }
        if (cvRounds)
        {
            // Scored as keel run scores the fold: that round count, early stopping off, on all the fold's training rows.
            var scored = trainer.WithoutEarlyStopping(chosen);
            fits = _sets.Select(set => scored.Fit(set.Train, null, run.Context(set.Cache))).ToArray();
        }
        var metrics = CrossValidation.Summarise(_sets.Select((set, i) => Evaluator.Evaluate(set.Validation.Labels, fits[i].Model.Predict(set.Validation.Features), set.Weights).Metrics).ToArray()).Mean;
        if (!metrics.TryGetValue(plan.Metric, out var value) || !double.IsFinite(value))
            throw new KeelInputException($"trial {trial.Number} ({family}): validation {plan.Metric} is not a number");
        var (latency, size) = await LogCostsAsync(runId, fits[^1].Model, _sets[^1].Validation, metrics, ct);
        return (Core.Search.TrialState.Complete, value, ObjectiveValues(metrics, latency, size),
            cvRounds ? chosen ?? rounds : (int)Math.Round(fits.Average(f => f.BestIteration ?? rounds)));
    }

    /// <summary>The trial's value per objective of search.objectives, as the study keeps them for the sampler that searches for the
    /// Pareto front: each the figure its run records under <see cref="ParetoPoints.MetricKey"/> (a validation metric, latency, size);
    /// null for a single-objective search, or when one is not a number.</summary>
    private IReadOnlyList<double>? ObjectiveValues(IReadOnlyDictionary<string, double> metrics, double latency, double size)
    {
        if (plan.Objectives.Count == 0) return null;
        var recorded = metrics.ToDictionary(m => $"val.{m.Key}", m => m.Value, StringComparer.Ordinal);
        recorded["predict_us_per_row"] = latency;
        recorded["model_bytes"] = size;
        var values = plan.Objectives.Select(o => recorded.GetValueOrDefault(ParetoPoints.MetricKey(o), double.NaN)).ToArray();
        return values.All(double.IsFinite) ? values : null;
    }

    /// <summary>Every validation metric (val.METRIC), the prediction latency (predict_us_per_row: the median of three predictions of the
    /// validation rows) and the saved model's size (model_bytes): what a multi-objective search weighs against quality. Returns the
    /// latency (µs per row) and the size (bytes).</summary>
    private async Task<(double Latency, double Size)> LogCostsAsync(string runId, IFittedModel model, TrainingData validation, IReadOnlyDictionary<string, double> metrics, CancellationToken ct)
    {
        var times = new double[3];
        for (var i = 0; i < times.Length; i++)
        {
            var start = time.GetTimestamp();
            model.Predict(validation.Features);
            times[i] = time.GetElapsedTime(start).TotalSeconds * 1e6 / Math.Max(1, validation.Features.RowCount);
        }
        Array.Sort(times);
        using var bytes = new MemoryStream();
        ModelPackage.Save(model, bytes, run.MissingTokens);
        var now = time.GetUtcNow();
        var points = metrics.Where(m => m.Key != plan.Metric && double.IsFinite(m.Value)).Select(m => new MetricPoint($"val.{m.Key}", m.Value, 0, now)).ToList();
        points.Add(new("predict_us_per_row", times[1], 0, now));
        points.Add(new("model_bytes", bytes.Length, 0, now));
        await store.Tracking.LogBatchAsync(runId, new LogBatch { Metrics = points }, ct);
        return (times[1], bytes.Length);
    }

    /// <summary>The trial's trainer, its row-count-dependent defaults (LightGBM's categorical limits) fixed from the run's training rows
    /// as keel run fixes them (<see cref="RunPipeline.WithTrainingRows(PreparedRun, ITrainer)"/>), not from the rows each trial fit has.</summary>
    internal ITrainer Create(string family, IReadOnlyDictionary<string, string> options) => Trainer(run, family, options);

    /// <summary>A trainer of <paramref name="family"/> with <paramref name="options"/> as <paramref name="run"/>'s trials get it (see
    /// <see cref="Create"/>).</summary>
    internal static ITrainer Trainer(PreparedRun run, string family, IReadOnlyDictionary<string, string> options) =>
        RunPipeline.WithTrainingRows(run, TrainerCatalog.Create(new ModelSpec { Type = family, Options = options }, run.Task, SpecIndex(run.Spec, family)));

    /// <summary>The trial's options: the spec's own options for this type (<see cref="SpecOptions"/>), with the sampled values over them.</summary>
    public static IReadOnlyDictionary<string, string> Options(KeelSpec spec, string family, IReadOnlyDictionary<string, string> sampled) =>
        Merge(SpecOptions(spec, family), sampled);

    /// <summary>The options the spec fixes for a type: those of its first model of that type; none without one.</summary>
    public static IReadOnlyDictionary<string, string> SpecOptions(KeelSpec spec, string family)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Models.FirstOrDefault(m => m.Type == family)?.Options ?? new Dictionary<string, string>();
    }

    /// <summary><paramref name="fixedOptions"/> with <paramref name="sampled"/> over them.</summary>
    public static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> fixedOptions, IReadOnlyDictionary<string, string> sampled)
    {
        var merged = new SortedDictionary<string, string>(fixedOptions.ToDictionary(), StringComparer.Ordinal);
        foreach (var (k, v) in sampled) merged[k] = v;
        return merged;
    }

    private static int SpecIndex(KeelSpec spec, string family) => Math.Max(0, spec.Models.ToList().FindIndex(m => m.Type == family));

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
