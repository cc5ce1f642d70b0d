using System.Text.Json;
using Keel.Core;
using Keel.Core.PredictionLog;
using Keel.Core.Registry;
using Keel.Evaluation;
using Keel.Evaluation.Uncertainty;
using Keel.Monitoring.Performance;
using Keel.Tracking;

namespace Keel.Pipeline.Performance;

/// <summary>One window of the prediction log: realised performance where labels came, CBPE estimates for every prediction.</summary>
/// <param name="From">Window start (inclusive).</param>
/// <param name="To">Window end (exclusive).</param>
/// <param name="Predictions">Rows predicted in the window.</param>
/// <param name="Realised">The metric on the labelled rows with its interval and concept-drift flag (no rows: undefined, not flagged).</param>
/// <param name="Estimated">estimated_auc and estimated_accuracy for binary models (empty otherwise).</param>
public sealed record PerformanceWindow(DateTimeOffset From, DateTimeOffset To, int Predictions, WindowPerformance Realised,
    IReadOnlyDictionary<string, double> Estimated);

/// <summary>Performance over time for a registered model from its prediction log and /feedback outcomes (the use case behind the
/// monitoring report's performance section).</summary>
public static class PerformanceMonitor
{
    /// <summary>The model's test-set interval of <paramref name="metric"/> stored at registration (evaluation/CANDIDATE.test.json of its
    /// run), or null when the run has no interval for it.</summary>
    public static async Task<Interval?> RegisteredIntervalAsync(KeelStore store, ModelVersion version, string metric, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(version);
        byte[] bytes;
        try
        {
            bytes = await store.ReadArtifactAsync(version.SourceRunId, $"evaluation/{version.Candidate}.test.json", ct);
        }
        catch (KeelNotFoundException)
        {
            return null;
        }
        var report = JsonSerializer.Deserialize<TestReport>(bytes, KeelJson.Options);
        return report?.Intervals.TryGetValue(metric, out var i) == true ? i : null;
    }

    /// <summary>Windows of <paramref name="window"/> from <paramref name="from"/> to <paramref name="to"/> over the model's logged
    /// predictions (every version), each with the realised metric against <paramref name="reference"/> and the CBPE estimates.</summary>
    public static async Task<IReadOnlyList<PerformanceWindow>> ByWindowAsync(IPredictionLogStore log, string model, DateTimeOffset from,
        DateTimeOffset to, TimeSpan window, string metric, Interval? reference, BootstrapOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (window <= TimeSpan.Zero) throw new KeelInputException($"window {window}: expected a duration above zero.");
        var result = new List<PerformanceWindow>();
        for (var start = from; start < to; start += window)
        {
            var end = start + window < to ? start + window : to;
            var logged = await log.ListAsync(new PredictionQuery { Model = model, From = start, To = end, Limit = int.MaxValue }, ct);
            var labelled = FeedbackJoin.Join(logged);
            var estimated = PerformanceCalculator.Estimated(FeedbackJoin.AllPredictions(logged));
            result.Add(new PerformanceWindow(start, end, labelled.Count + labelled.Unlabelled,
                PerformanceCalculator.Realised(labelled, metric, options, reference), estimated));
        }
        return result;
    }
}
