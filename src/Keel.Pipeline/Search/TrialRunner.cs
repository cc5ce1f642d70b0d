using System.Globalization;
using Keel.Core;
using Keel.Core.Spec;
using Keel.Core.Tracking;
using Keel.Evaluation;
using Keel.Search;
using Keel.Tracking;
using Keel.Training;
using Keel.Training.Featurization;

namespace Keel.Pipeline.Search;

/// <summary>How one trial ended, as the worker saw it.</summary>
public sealed record TrialEnd(int Number, string Family, Core.Search.TrialState State, double? Value, int Rounds, double TrainSeconds, bool Lost);

/// <summary>
/// Trains one trial as a tracked child run of the search run: fits on train, scores on validation; a boosted trial trains in rungs
/// (10, 30, 90, ... rounds, then all) and reports its validation loss after every round, so the pruner can stop it between rungs.
/// One instance per worker: it keeps that worker's featurised matrices.
/// </summary>
internal sealed class TrialRunner(KeelStore store, PreparedRun run, SearchPlan plan, TimeProvider time)
{
    private readonly FeatureCache _features = new();
    private readonly TrainingData _train = new(run.Features.Take(run.Split.Train), run.Label.Labels.Take(run.Split.Train));
    private readonly TrainingData _validation = new(run.Features.Take(run.Split.Validation), run.Label.Labels.Take(run.Split.Validation));

    /// <summary>Tag naming the search run a trial run belongs to (MLflow's parent-run convention).</summary>
    public const string ParentTag = "keel.parent_run_id";

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
            Params = new Dictionary<string, string>(options.Select(kv => KeyValuePair.Create($"{family}.{kv.Key}", kv.Value))) { ["family"] = family },
        }, ct);
        var start = time.GetTimestamp();
        var meter = new StepMeter(time);
        try
        {
            var (state, value, rounds) = await TrainAsync(trial, family, options, created.Id, ct);
            var seconds = time.GetElapsedTime(start).TotalSeconds;
            var now = time.GetUtcNow();
            // One step per trial: with several workers in one process, CPU and peak memory are the process's, shared between them.
            var metrics = new List<MetricPoint>([.. meter.Lap("train"), .. meter.Total()]) { new("train_seconds", seconds, 0, now), new("rounds", rounds, 0, now) };
            if (value is { } v) metrics.Add(new($"val.{plan.Metric}", v, 0, now));
            await store.Tracking.LogBatchAsync(created.Id, new LogBatch { Metrics = metrics, Tags = new Dictionary<string, string> { ["keel.trial_state"] = Lower(state) } }, ct);
            var held = state == Core.Search.TrialState.Pruned ? await trial.PruneAsync(ct) : await trial.CompleteAsync(value!.Value, ct);
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

    private async Task<(Core.Search.TrialState, double?, int)> TrainAsync(Trial trial, string family, IReadOnlyDictionary<string, string> options, string runId, CancellationToken ct)
    {
        var context = run.Context(_features);
        var roundsOption = SearchSpaces.RoundsOption(family);
        var rounds = roundsOption is null ? 0 : int.Parse(Create(family, options).EffectiveParams[roundsOption], CultureInfo.InvariantCulture);
        var rungs = roundsOption is null ? [0] : plan.Rungs(rounds);
        var reported = 0;
        FitResult? fit = null;
        foreach (var rung in rungs)
        {
            ct.ThrowIfCancellationRequested();
            var last = rung == rungs[^1];
            var rungOptions = last || roundsOption is null ? options
                : new Dictionary<string, string>(options) { [roundsOption] = rung.ToString(CultureInfo.InvariantCulture), ["early_stopping_rounds"] = "0" };
            fit = Create(family, rungOptions).Fit(_train, _validation, context);
            if (fit.LossCurve is not { } curve) continue;
            var fresh = curve.Points.Where(p => p.Iteration > reported && p.Validation is not null)
                .Select(p => KeyValuePair.Create(p.Iteration, p.Validation!.Value)).ToArray();
            if (fresh.Length == 0) continue;
            reported = fresh[^1].Key;
            var now = time.GetUtcNow();
            await store.Tracking.LogBatchAsync(runId, new LogBatch { Metrics = fresh.Select(kv => new MetricPoint($"loss.validation", kv.Value, kv.Key, now)).ToArray() }, ct);
            if (await trial.ReportAsync(fresh, ct) is { } prunedAt) return (Core.Search.TrialState.Pruned, null, prunedAt);
        }
        var metrics = Evaluator.Evaluate(_validation.Labels, fit!.Model.Predict(_validation.Features)).Metrics;
        if (!metrics.TryGetValue(plan.Metric, out var value) || !double.IsFinite(value))
            throw new KeelInputException($"trial {trial.Number} ({family}): validation {plan.Metric} is not a number");
        await LogCostsAsync(runId, fit.Model, metrics, ct);
        return (Core.Search.TrialState.Complete, value, fit.BestIteration ?? Math.Max(reported, rounds));
    }

    /// <summary>Every validation metric (val.METRIC), the prediction latency (predict_us_per_row: the median of three predictions of the
    /// validation rows) and the saved model's size (model_bytes): what a multi-objective search weighs against quality.</summary>
    private async Task LogCostsAsync(string runId, IFittedModel model, IReadOnlyDictionary<string, double> metrics, CancellationToken ct)
    {
        var times = new double[3];
        for (var i = 0; i < times.Length; i++)
        {
            var start = time.GetTimestamp();
            model.Predict(_validation.Features);
            times[i] = time.GetElapsedTime(start).TotalSeconds * 1e6 / Math.Max(1, _validation.Features.RowCount);
        }
        Array.Sort(times);
        using var bytes = new MemoryStream();
        ModelPackage.Save(model, bytes, run.MissingTokens);
        var now = time.GetUtcNow();
        var points = metrics.Where(m => m.Key != plan.Metric && double.IsFinite(m.Value)).Select(m => new MetricPoint($"val.{m.Key}", m.Value, 0, now)).ToList();
        points.Add(new("predict_us_per_row", times[1], 0, now));
        points.Add(new("model_bytes", bytes.Length, 0, now));
        await store.Tracking.LogBatchAsync(runId, new LogBatch { Metrics = points }, ct);
    }

    private ITrainer Create(string family, IReadOnlyDictionary<string, string> options) =>
        TrainerCatalog.Create(new ModelSpec { Type = family, Options = options }, run.Task, SpecIndex(run.Spec, family));

    /// <summary>The trial's options: the spec's own options for this type (first model of the type), with the sampled values over them.</summary>
    public static IReadOnlyDictionary<string, string> Options(KeelSpec spec, string family, IReadOnlyDictionary<string, string> sampled)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Merge(spec.Models.FirstOrDefault(m => m.Type == family)?.Options ?? new Dictionary<string, string>(), sampled);
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
