using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core.Tracking;
using Keel.Core.Models;
using Keel.Data;
using Keel.Evaluation;
using Keel.Tracking;

namespace Keel.Pipeline;

/// <summary>Writes what a run produces into the store: params, metrics (with steps), tags and artifacts, under one naming scheme.</summary>
/// <remarks>
/// Metric keys: CANDIDATE.val.METRIC, CANDIDATE.test.METRIC, CANDIDATE.train_seconds, CANDIDATE.predict_us_per_row,
/// CANDIDATE.model_bytes, CANDIDATE.best_iteration (boosted, stopped early), CANDIDATE.loss.train / .loss.validation (step = iteration); the registered model's test metrics as test.METRIC.
/// </remarks>
internal sealed class RunTracker(KeelStore store, string runId, TimeProvider time)
{
    public string RunId => runId;

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
        if (o.LossCurve is { } curve)
        {
            foreach (var p in curve.Points)
            {
                if (double.IsFinite(p.Train)) points.Add(new($"{o.Name}.loss.train", p.Train, p.Iteration, now));
                if (p.Validation is { } v && double.IsFinite(v)) points.Add(new($"{o.Name}.loss.validation", v, p.Iteration, now));
            }
        }
        await store.Tracking.LogBatchAsync(runId, new LogBatch { Metrics = points }, ct);
        await Bytes($"models/{o.Name}.keelmodel", o.ModelFile, ct);
        await Bytes($"predictions/{o.Name}.test.csv", PredictionsCsv(run, o.TestPredictions), ct);
    }

    public async Task<ArtifactEntry> LogFinalAsync(CandidateOutcome final, FinalModel info, PreparedRun run, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await store.Tracking.LogBatchAsync(runId, new LogBatch
        {
            Metrics = Finite(final.TestMetrics).Select(m => new MetricPoint($"test.{m.Key}", m.Value, 0, now)).ToArray(),
        }, ct);
        if (info.Refit) await Bytes("predictions/final.test.csv", PredictionsCsv(run, final.TestPredictions), ct);
        return await Bytes("models/final.keelmodel", final.ModelFile, ct);
    }

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

    public Task LogReportAsync(string reportPath, CancellationToken ct) =>
        store.LogArtifactFileAsync(runId, "report.html", reportPath, ct);

    private Task<ArtifactEntry> Bytes(string path, byte[] bytes, CancellationToken ct) => store.LogArtifactBytesAsync(runId, path, bytes, ct);

    private static IEnumerable<KeyValuePair<string, double>> Finite(IReadOnlyDictionary<string, double> metrics) =>
        metrics.Where(m => double.IsFinite(m.Value));

    private static string Csv(IEnumerable<string> cells) =>
        string.Join(",", cells.Select(c => c.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + c.Replace("\"", "\"\"") + "\"" : c));

    /// <summary>Test-split predictions as CSV: the file row, the label, the prediction and (classification) each class's probability.</summary>
    internal static byte[] PredictionsCsv(PreparedRun run, Predictions p)
    {
        var sb = new StringBuilder();
        var classes = run.Label.Labels.Classes;
        sb.AppendLine(Csv(["row", "label", "predicted", .. classes.Select(c => "p_" + c)]));
        var predicted = p.Probabilities is null ? null : p.PredictedClassIndices();
        for (var i = 0; i < run.Split.Test.Length; i++)
        {
            var row = run.Split.Test[i];
            var fileRow = run.Label.KeptRows[row].ToString(CultureInfo.InvariantCulture);
            if (predicted is null)
            {
                sb.AppendLine(Csv([fileRow, run.Label.Labels.Values![row].ToString("R", CultureInfo.InvariantCulture), p.Values![i].ToString("R", CultureInfo.InvariantCulture)]));
                continue;
            }
            sb.AppendLine(Csv([fileRow, classes[run.Label.Labels.ClassIndices![row]], classes[predicted[i]],
                .. p.Probabilities![i].Select(x => x.ToString("R", CultureInfo.InvariantCulture))]));
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
