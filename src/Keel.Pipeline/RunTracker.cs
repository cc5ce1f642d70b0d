using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core.Tracking;
using Keel.Core.Models;
using Keel.Data;
using Keel.Evaluation;
using Keel.Tracking;
using Parquet;
using Parquet.Schema;

namespace Keel.Pipeline;

/// <summary>Writes what a run produces into the store: params, metrics (with steps), tags and artifacts, under one naming scheme.</summary>
/// <remarks>
/// Metric keys: CANDIDATE.val.METRIC, CANDIDATE.test.METRIC, CANDIDATE.train_seconds, CANDIDATE.predict_us_per_row,
/// CANDIDATE.model_bytes, CANDIDATE.cv.METRIC (step = fold) and CANDIDATE.cv_std.METRIC (cv selection; .val. holds the fold mean), CANDIDATE.best_iteration (boosted, stopped early), CANDIDATE.loss.train / .loss.validation (step = iteration), CANDIDATE.loss.cv_validation (cv, boosted with early stopping: the folds' mean inner validation curve, step = iteration); the registered model's test metrics as test.METRIC.
/// </remarks>
internal sealed class RunTracker(KeelStore store, string runId, TimeProvider time)
{
    public string RunId => runId;

    /// <summary>Logs metric points as they are (e.g. a step's system metrics).</summary>
    public Task LogMetricsAsync(IReadOnlyList<MetricPoint> points, CancellationToken ct) =>
        store.Tracking.LogBatchAsync(runId, new LogBatch { Metrics = points }, ct);

    public Task LogParamsAsync(IReadOnlyDictionary<string, string> parameters, CancellationToken ct) =>
        store.Tracking.LogBatchAsync(runId, new LogBatch { Params = parameters }, ct);

    public async Task LogInputsAsync(PreparedRun run, TableProfile profile, CancellationToken ct)
    {
        await Bytes("spec/keel.yaml", Encoding.UTF8.GetBytes(run.SpecText), ct);
        await Bytes("data/schema.json", Encoding.UTF8.GetBytes(RunPipeline.SchemaJson(run)), ct);
        await Bytes("data/profile.json", JsonSerializer.SerializeToUtf8Bytes(profile, KeelJson.Options), ct);
        await Bytes("split/train.txt", Rows(run, run.Split.Train), ct);
        await Bytes("split/validation.txt", Rows(run, run.Split.Validation), ct);
        await Bytes("split/test.txt", Rows(run, run.Split.Test), ct);
        for (var f = 0; f < run.Selection.Folds.Count; f++) await Bytes($"split/fold{f}.validation.txt", Rows(run, run.Selection.Folds[f].Validation), ct);
    }

    /// <summary>Split rows as 0-based file row numbers, one per line: usable again as split.predefined.test_rows.</summary>
    private static byte[] Rows(PreparedRun run, int[] rows) =>
        Encoding.UTF8.GetBytes(string.Concat(rows.Select(r => run.Label.KeptRows[r].ToString(CultureInfo.InvariantCulture) + "\n")));

    public async Task LogCandidateAsync(CandidateOutcome o, PreparedRun run, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var points = new List<MetricPoint>
        {
            new($"{o.Name}.train_seconds", o.TrainSeconds, 0, now),
            new($"{o.Name}.predict_us_per_row", o.PredictUsPerRow, 0, now),
            new($"{o.Name}.model_bytes", o.ModelBytes, 0, now),
        };
        if (o.BestIteration is { } best) points.Add(new($"{o.Name}.best_iteration", best, 0, now));
        points.AddRange(Finite(o.ValidationMetrics).Select(m => new MetricPoint($"{o.Name}.val.{m.Key}", m.Value, 0, now)));
        points.AddRange(Finite(o.TestMetrics).Select(m => new MetricPoint($"{o.Name}.test.{m.Key}", m.Value, 0, now)));
        if (o.CrossValidation is { } cv)
        {
            points.AddRange(Finite(cv.Std).Select(m => new MetricPoint($"{o.Name}.cv_std.{m.Key}", m.Value, 0, now)));
            for (var f = 0; f < cv.FoldMetrics.Count; f++)
                points.AddRange(Finite(cv.FoldMetrics[f]).Select(m => new MetricPoint($"{o.Name}.cv.{m.Key}", m.Value, f, now)));
        }
        if (o.LossCurve is { } curve)
        {
            foreach (var p in curve.Points)
            {
                if (double.IsFinite(p.Train)) points.Add(new($"{o.Name}.loss.train", p.Train, p.Iteration, now));
                if (p.Validation is { } v && double.IsFinite(v)) points.Add(new($"{o.Name}.loss.validation", v, p.Iteration, now));
            }
        }
        if (o.CrossValidation?.InnerMean is { } inner)
        {
            points.AddRange(inner.Points.Where(p => p.Validation is { } v && double.IsFinite(v))
                .Select(p => new MetricPoint($"{o.Name}.loss.cv_validation", p.Validation!.Value, p.Iteration, now)));
        }
        await store.Tracking.LogBatchAsync(runId, new LogBatch { Metrics = points }, ct);
        await Bytes($"models/{o.Name}.keelmodel", o.ModelFile, ct);
        await LogPredictionsAsync($"predictions/{o.Name}.test.parquet", run, o.TestPredictions, ct);
    }

    public async Task<ArtifactEntry> LogFinalAsync(CandidateOutcome final, FinalModel info, PreparedRun run, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await store.Tracking.LogBatchAsync(runId, new LogBatch
        {
            Metrics = Finite(final.TestMetrics).Select(m => new MetricPoint($"test.{m.Key}", m.Value, 0, now)).ToArray(),
        }, ct);
        if (info.Refit) await LogPredictionsAsync("predictions/final.test.parquet", run, final.TestPredictions, ct);
        return await Bytes("models/final.keelmodel", final.ModelFile, ct);
    }

    /// <summary>Stores the monitoring reference of the final model as monitoring/reference.json.</summary>
    public Task<ArtifactEntry> LogReferenceAsync(Keel.Monitoring.Reference.ReferenceProfile reference, CancellationToken ct) =>
        Bytes(Keel.Monitoring.Reference.ReferenceProfile.ArtifactPath, reference.ToJson(), ct);

    public Task LogSelectionAsync(string selected, IReadOnlyList<GateResult> gates, RegisteredOut? registered, string? reason, CancellationToken ct)
    {
        var tags = new Dictionary<string, string>
        {
            ["keel.selected"] = selected,
            ["keel.gates"] = gates.Count == 0 ? "none" : gates.All(g => g.Passed) ? "passed" : "failed",
        };
        if (registered is not null) tags["keel.registered"] = $"{registered.Name}:{registered.Version}";
        if (reason is not null) tags["keel.not_registered"] = reason;
        return store.Tracking.LogBatchAsync(runId, new LogBatch { Tags = tags }, ct);
    }

    /// <summary>Stores the data checks' findings as data/checks.json and the contract inferred from the training rows as data/contract.json.</summary>
    public async Task LogChecksAsync(DataChecks checks, Keel.Data.Contracts.DataContract contract, CancellationToken ct)
    {
        await Bytes("data/checks.json", JsonSerializer.SerializeToUtf8Bytes(checks, KeelJson.Options), ct);
        await Bytes("data/contract.json", Encoding.UTF8.GetBytes(contract.ToJson()), ct);
        await store.Tracking.LogBatchAsync(runId, new LogBatch
        {
            Metrics = [.. new[] { Keel.Data.Quality.Severity.Info, Keel.Data.Quality.Severity.Warning, Keel.Data.Quality.Severity.Error }
                .Select(s => new MetricPoint($"checks.{s.ToString().ToLowerInvariant()}s", checks.All.Count(f => f.Severity == s), 0, time.GetUtcNow()))],
        }, ct);
    }

    /// <summary>Stores a model's test evaluation as evaluation/CANDIDATE.test.json.</summary>
    public Task<ArtifactEntry> LogEvaluationAsync(TestReport report, CancellationToken ct) =>
        Bytes($"evaluation/{report.Candidate}.test.json", JsonSerializer.SerializeToUtf8Bytes(report, KeelJson.Options), ct);

    public Task LogReportAsync(string reportPath, CancellationToken ct) =>
        store.LogArtifactFileAsync(runId, "report.html", reportPath, ct);

    private Task<ArtifactEntry> Bytes(string path, byte[] bytes, CancellationToken ct) => store.LogArtifactBytesAsync(runId, path, bytes, ct);

    private static IEnumerable<KeyValuePair<string, double>> Finite(IReadOnlyDictionary<string, double> metrics) =>
        metrics.Where(m => double.IsFinite(m.Value));

    /// <summary>Rows per Parquet row group: bounds the buffers while writing a large test split.</summary>
    private const int RowGroupSize = 65_536;

    /// <summary>Stores the test-split predictions as Parquet (row, label, predicted and, for classification, p_CLASS per class)
    /// and logs them; written row group by row group into one buffer that the artifact store reads, without text or copies.</summary>
    private async Task LogPredictionsAsync(string path, PreparedRun run, Predictions p, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await WritePredictionsAsync(buffer, run, p, ct);
        buffer.Position = 0;
        var blob = await store.Artifacts.PutAsync(buffer, ct);
        await store.Tracking.LogArtifactAsync(runId, new ArtifactEntry(path, blob.Sha256, blob.Bytes), ct);
    }

    /// <summary>Writes the test-split predictions of <paramref name="p"/> to <paramref name="output"/> as Parquet.</summary>
    internal static async Task WritePredictionsAsync(Stream output, PreparedRun run, Predictions p, CancellationToken ct)
    {
        var test = run.Split.Test;
        var labels = run.Label.Labels;
        var classification = p.Probabilities is not null;
        var row = new DataField<int>("row");
        DataField label = classification ? new DataField<string>("label") : new DataField<double>("label");
        DataField predictedField = classification ? new DataField<string>("predicted") : new DataField<double>("predicted");
        var probabilities = classification ? labels.Classes.Select(c => new DataField<double>("p_" + c)).ToArray() : [];
        var predicted = classification ? p.PredictedClassIndices() : null;

        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema([row, label, predictedField, .. probabilities]), output, cancellationToken: ct);
        for (var start = 0; start < test.Length; start += RowGroupSize)
        {
            var n = Math.Min(RowGroupSize, test.Length - start);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<int>(row, Enumerable.Range(start, n).Select(i => run.Label.KeptRows[test[i]]).ToArray(), cancellationToken: ct);
            if (!classification)
            {
                await group.WriteAsync<double>(label, Enumerable.Range(start, n).Select(i => labels.Values![test[i]]).ToArray(), cancellationToken: ct);
                await group.WriteAsync<double>(predictedField, p.Values!.AsMemory(start, n), cancellationToken: ct);
                continue;
            }
            await group.WriteAsync(label, Enumerable.Range(start, n).Select(i => labels.Classes[labels.ClassIndices![test[i]]]).ToArray());
            await group.WriteAsync(predictedField, Enumerable.Range(start, n).Select(i => labels.Classes[predicted![i]]).ToArray());
            for (var c = 0; c < probabilities.Length; c++)
            {
                var k = c;
                await group.WriteAsync<double>(probabilities[c], Enumerable.Range(start, n).Select(i => p.Probabilities![i][k]).ToArray(), cancellationToken: ct);
            }
        }
    }
}
