using System.Globalization;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Core.Models;
using Keel.Core.Tracking;
using Keel.Data;
using Keel.Evaluation;
using Keel.Reports;
using Keel.Tracking;

namespace Keel.Pipeline.Evaluate;

/// <summary>What <c>keel evaluate</c> evaluates.</summary>
public sealed record EvaluateRequest
{
    /// <summary>A run id (its registered-or-final model) or a registered model as NAME@ALIAS, NAME:VERSION or NAME.</summary>
    public required string Target { get; init; }

    /// <summary>New labelled data to evaluate on (every row). Default null: the source run's test split, read again.</summary>
    public string? DataPath { get; init; }
}

/// <summary>The result of <c>keel evaluate</c>; also what <c>--json</c> prints.</summary>
/// <param name="RunId">The evaluation's own run.</param>
/// <param name="SourceRunId">The run that trained the model.</param>
/// <param name="Model">The model evaluated: "NAME:VERSION" for a registered model, else "run RUN_ID (final)".</param>
/// <param name="Candidate">The candidate it is (the source run's selected model).</param>
/// <param name="Data">The data file evaluated on.</param>
/// <param name="Rows">Rows evaluated: the test split, or every labelled row of <see cref="Data"/>.</param>
/// <param name="OnTestSplit">Whether the rows are the source run's test split (else new data).</param>
/// <param name="Metric">The source run's selection metric.</param>
/// <param name="Metrics">The model's metrics on the rows.</param>
/// <param name="Gates">The source spec's gates checked on this evaluation (nothing is registered or moved).</param>
/// <param name="ReportPath">The HTML report.</param>
public sealed record EvaluateOutcome(string RunId, string SourceRunId, string Model, string Candidate, string Data, int Rows, bool OnTestSplit,
    string Metric, IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<GateResult> Gates, string ReportPath)
{
    /// <summary>The evaluated model's evaluation beyond averages and the other models' intervals, by name.</summary>
    public IReadOnlyDictionary<string, TestReport> Evaluations { get; init; } = new Dictionary<string, TestReport>();

    /// <summary>New data only: its rows (0-based) whose inputs repeat a row the model was trained on exactly (the source run's train
    /// split, and its validation split when the model was refitted on both); their figures reward memory, not generalisation.</summary>
    public IReadOnlyList<int> TrainedOnRows { get; init; } = [];
}

/// <summary>Re-evaluates a run's model or a registered model, on its test split or on new labelled data, with the whole evaluation of
/// <c>keel run</c>; tracked as a run of the source run's experiment (tags keel.evaluation_of and keel.evaluated_model) with its report.</summary>
/// <param name="store">Where the source run is and the evaluation is tracked.</param>
/// <param name="time">Clock for the run's times and heartbeat.</param>
public sealed class ModelEvaluation(KeelStore store, TimeProvider time)
{
    /// <summary>Evaluates; a bad target or data file fails before anything is written.</summary>
    public async Task<EvaluateOutcome> ExecuteAsync(EvaluateRequest request, Func<string, string> reportPathFor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var source = await EvaluationSource.LoadAsync(store, request.Target, ct);
        var prepared = source.Prepared;
        var label = prepared.Spec.Data.Label;
        LoadedTable data;
        Table rows;
        EncodedLabels truth;
        if (request.DataPath is { } path)
        {
            (data, rows, truth) = source.ReadLabelled(path);
        }
        else
        {
            var test = await source.SplitRowsAsync(store, "test", ct);
            (data, rows, truth) = (prepared.Data, prepared.Table.Take(test), prepared.Label.Labels.Take(test));
        }
        var validation = await source.SplitRowsAsync(store, "validation", ct);
        var train = await source.SplitRowsAsync(store, "train", ct);
        // New rows that the model saw in training: compared on every input column both tables have, the label left out.
        var trainedOn = request.DataPath is null ? [] : Keel.Data.Quality.RowOverlap.Rows(prepared.Table, source.Refitted ? [.. train, .. validation] : train, rows,
            prepared.Table.Columns.Select(c => c.Name).Where(n => n != label).ToArray());

        var started = time.GetUtcNow();
        var modelName = source.Version is { } v ? $"{v.Name}:{v.Version}" : $"run {source.Run.Id} (final)";
        var tags = new Dictionary<string, string>
        {
            ["keel.kind"] = "evaluation",
            ["keel.evaluation_of"] = source.Run.Id,
            ["keel.evaluated_model"] = modelName,
            ["keel.selected"] = source.Selected,
        };
        var created = await store.Tracking.CreateRunAsync(source.Run.ExperimentId, $"{prepared.Experiment}-evaluate-{started:yyyyMMdd-HHmmss}", started, tags, ct);
        await using var heartbeat = RunHeartbeat.Start(store.Tracking, created.Id, time, store.Options.HeartbeatInterval);
        try
        {
            // data.weight weighs the metrics on the run's own rows; new data is evaluated unweighted.
            var weights = request.DataPath is null && prepared.Weights is { } w ? (await source.SplitRowsAsync(store, "test", ct)).Select(r => w[r]).ToArray() : null;
            var outcome = await EvaluateTrackedAsync(source, created.Id, modelName, data, rows, truth, weights, train, validation, request.DataPath is null, reportPathFor(created.Id), started, ct, trainedOn);
            await store.Tracking.SetRunStatusAsync(created.Id, RunStatus.Finished, time.GetUtcNow(), CancellationToken.None);
            return outcome;
        }
        catch (Exception e)
        {
            var status = e is OperationCanceledException ? RunStatus.Killed : RunStatus.Failed;
            await store.Tracking.LogBatchAsync(created.Id, new LogBatch { Tags = new Dictionary<string, string> { [status == RunStatus.Killed ? RunTags.KilledReason : RunTags.Error] = e.Message } }, CancellationToken.None);
            await store.Tracking.SetRunStatusAsync(created.Id, status, time.GetUtcNow(), CancellationToken.None);
            throw;
        }
    }

    private async Task<EvaluateOutcome> EvaluateTrackedAsync(EvaluationSource source, string runId, string modelName, LoadedTable data, Table rows,
        EncodedLabels truth, double[]? weights, int[] train, int[] validation, bool onTestSplit, string reportPath, DateTimeOffset started, CancellationToken ct,
        IReadOnlyList<int> trainedOn)
    {
        var prepared = source.Prepared;
        var metric = prepared.Metric;
        var options = RunPreparation.EvaluationOptions(prepared.Spec);
        var predictions = source.Model.Predict(rows);
        var others = source.Others
            .OrderBy(o => Rank(source, o.Name, metric))
            .Select(o => (o.Name, Test: o.Model.Predict(rows))).ToArray();
        var evaluations = new Dictionary<string, TestReport>(StringComparer.Ordinal);
        foreach (var (name, test) in others) evaluations[name] = TestEvaluator.Intervals(name, truth, test, options.Bootstrap);
        var validationLabels = validation.Length > 0 ? prepared.Label.Labels.Take(validation) : null;
        var validationPredictions = validation.Length > 0 ? source.TrainOnly.Predict(prepared.Table.Take(validation)) : null;
        var trainOnlyPredictions = source.TrainOnly.Predict(rows);
        var (biasVariance, trainVsTest) = Diagnose(source, train, validation, validationLabels, validationPredictions, Evaluator.Evaluate(truth, trainOnlyPredictions, weights).Metrics,
            others.Where(o => source.Others.Any(m => m.Name == o.Name && TrainTestDiagnosis.IsBaselineType(m.Model.Type)))
                .Select(o => (o.Name, Evaluator.Evaluate(truth, o.Test, weights).Metrics)).ToArray());
        evaluations[source.Selected] = TestEvaluator.Selected(new SelectedModelInput(
            source.Selected,
            rows.Drop([prepared.Spec.Data.Label]),
            truth,
            predictions,
            metric,
            others,
            validationLabels,
            validationPredictions,
            trainOnlyPredictions)
        {
            Refitted = source.Refitted,
            Uncalibrated = Keel.Training.ModelPackage.DecisionOf(source.Model)?.Calibration is null ? null : Keel.Training.ModelPackage.WithoutDecision(source.Model).Predict(rows),
        }, options) with
        {
            Behaviour = BehaviourStep.Run(prepared, source.Model, rows, predictions),
            Importance = ImportanceStep.Run(prepared, source.Model, rows, truth),
            Contributions = ContributionStep.Run(source.Model, rows, truth, predictions),
            BiasVariance = biasVariance,
            Quadrants = trainVsTest is null ? [] : [trainVsTest],
        };

        var scored = Evaluator.Evaluate(truth, predictions, weights);
        var byName = others.ToDictionary(o => o.Name, o => Evaluator.Evaluate(truth, o.Test, weights).Metrics);
        byName[source.Selected] = scored.Metrics;
        var gates = Gates.Check(prepared.Spec.Register.Gates, source.Selected, byName, metric, evaluations[source.Selected]);

        var now = time.GetUtcNow();
        await store.Tracking.LogBatchAsync(runId, new LogBatch
        {
            Params = new Dictionary<string, string>
            {
                ["data.path"] = data.Path,
                ["data.sha256"] = data.Sha256,
                ["data.rows"] = truth.Count.ToString(CultureInfo.InvariantCulture),
                ["data.split"] = onTestSplit ? "test" : "all",
                ["metric"] = metric,
                ["seed"] = prepared.Seed.ToString(CultureInfo.InvariantCulture),
            },
            Metrics = scored.Metrics.Where(m => double.IsFinite(m.Value)).Select(m => new MetricPoint($"test.{m.Key}", m.Value, 0, now))
                .Concat(onTestSplit ? [] : [new MetricPoint("data.trained_on_rows", trainedOn.Count, 0, now)]).ToArray(),
            Tags = new Dictionary<string, string> { ["keel.gates"] = gates.Count == 0 ? "none" : gates.All(g => g.Passed) ? "passed" : "failed" },
        }, ct);
        foreach (var e in evaluations.Values)
            await store.LogArtifactBytesAsync(runId, $"evaluation/{e.Candidate}.test.json", JsonSerializer.SerializeToUtf8Bytes(e, KeelJson.Options), ct);

        var outcome = new EvaluateOutcome(runId, source.Run.Id, modelName, source.Selected, data.Path, truth.Count, onTestSplit, metric,
            scored.Metrics, gates, reportPath) { Evaluations = evaluations, TrainedOnRows = trainedOn };
        var html = Render(source, outcome, rows, truth, weights, predictions, others, started);
        await TextOutputs.WriteAsync(reportPath, html, $"report '{reportPath}'", "; the evaluation run is marked failed", ct);
        await store.LogArtifactFileAsync(runId, "report.html", reportPath, ct);
        return outcome;
    }

    /// <summary>The selected candidate as trained on train only: its training error on the source run's train split, validation error,
    /// and error on the rows evaluated (the test split or the new data), beside the best baseline's error on those rows.</summary>
    private static (Keel.Evaluation.Diagnosis.BiasVarianceResult?, Keel.Evaluation.Diagnosis.QuadrantResult?) Diagnose(EvaluationSource source, int[] train, int[] validationRows,
        EncodedLabels? validationLabels, Predictions? validationPredictions, IReadOnlyDictionary<string, double> test,
        IReadOnlyList<(string Name, IReadOnlyDictionary<string, double> Metrics)> baselines)
    {
        var prepared = source.Prepared;
        var rows = TrainTestDiagnosis.TrainRows(train, prepared.Seed);
        var weights = prepared.Weights;
        double[]? Of(int[] r) => weights is null ? null : r.Select(i => weights[i]).ToArray();
        var validation = validationLabels is not null && validationPredictions is not null
            ? Evaluator.Evaluate(validationLabels, validationPredictions, Of(validationRows)).Metrics : null;
        return TrainTestDiagnosis.Diagnose(source.Selected, prepared.Metric, source.TrainOnly, (prepared.Table.Take(rows), prepared.Label.Labels.Take(rows)),
            validation, test, baselines.Where(b => b.Metrics.ContainsKey(prepared.Metric)).Select(b => (b.Name, b.Metrics[prepared.Metric])).ToArray(),
            prepared.Spec.Evaluation.HumanLevel, Of(rows));
    }

    /// <summary>Order of the other models: best on validation first (the runner-up leads, as in <c>keel run</c>).</summary>
    private static double Rank(EvaluationSource source, string name, string metric)
    {
        if (!source.Run.Metrics.TryGetValue($"{name}.val.{metric}", out var v) || !double.IsFinite(v)) return double.PositiveInfinity;
        return MetricCatalog.Get(metric).HigherIsBetter ? -v : v;
    }

    private static string Render(EvaluationSource source, EvaluateOutcome outcome, Table rows, EncodedLabels truth, double[]? weights, Predictions predictions,
        IReadOnlyList<(string Name, Predictions Test)> others, DateTimeOffset started)
    {
        var prepared = source.Prepared;
        var profile = TableProfiler.Profile(rows);
        var metrics = source.Run.Metrics;
        CandidateResult Row(string name, Predictions p)
        {
            var scored = Evaluator.Evaluate(truth, p, weights);
            double M(string key) => metrics.TryGetValue($"{name}.{key}", out var x) ? x : double.NaN;
            var validation = metrics.Where(m => m.Key.StartsWith($"{name}.val.", StringComparison.Ordinal))
                .ToDictionary(m => m.Key[$"{name}.val.".Length..], m => m.Value);
            return ReportMapper.Candidate(new CandidateOutcome(name, source.Run.Params.GetValueOrDefault($"{name}.type", name), false,
                new Dictionary<string, string>(), M("train_seconds"), M("predict_us_per_row"), (long)(double.IsNaN(M("model_bytes")) ? 0 : M("model_bytes")),
                validation, scored.Metrics) { TestEvaluation = scored });
        }
        var classes = truth.Classes;
        var model = new ReportModel
        {
            Title = $"{prepared.Experiment} — evaluation {outcome.RunId[..8]} of {outcome.Model}",
            Run = new RunSummary(outcome.RunId, prepared.Experiment, RunPreparation.Lower(prepared.Task),
                started.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture), null, null, prepared.Seed,
                new Dictionary<string, string> { ["evaluation of"] = source.Run.Id, ["model"] = outcome.Model }),
            Data = new DataSummary(outcome.Data, source.Prepared.Data.Path == outcome.Data ? prepared.Data.Sha256 : "", rows.RowCount, rows.Columns.Count,
                prepared.Spec.Data.Label, 0, 0, rows.RowCount, outcome.OnTestSplit ? "the source run's test split"
                    : outcome.TrainedOnRows.Count == 0 ? "new data (every row)"
                    : $"new data (every row; {outcome.TrainedOnRows.Count} of them repeat a row the model was trained on, so their figures reward memory)",
                profile.Columns.Select(ReportMapper.Column).ToArray(),
                truth.ClassIndices is { } idx ? classes.Select((c, i) => new LabelCount(c, idx.Count(x => x == i))).ToArray() : []),
            Candidates = [Row(outcome.Candidate, predictions), .. others.Select(o => Row(o.Name, o.Test))],
            SelectionMetric = outcome.Metric,
            SelectionHigherIsBetter = MetricCatalog.Get(outcome.Metric).HigherIsBetter,
            Selected = outcome.Candidate,
            Gates = outcome.Gates.Select(g => new GateView(g.Gate, g.Passed, g.Detail)).ToArray(),
            Evaluation = EvaluationMapper.Map(outcome.Candidate, outcome.Metric, outcome.Evaluations),
            Registered = $"evaluation only: nothing was registered or moved (model {outcome.Model}, trained by run {source.Run.Id})",
        };
        return HtmlReport.Render(model);
    }
}
