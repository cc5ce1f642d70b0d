using Keel.Core.Metrics;
using Keel.Evaluation;
using Keel.Evaluation.Uncertainty;

namespace Keel.Monitoring.Performance;

/// <summary>A window's realised performance: the metric with its bootstrap interval, and whether it fell out of the reference interval.</summary>
/// <param name="Metric">The metric's name (e.g. auc).</param>
/// <param name="Value">Its value on the window's labelled rows with the percentile bootstrap interval.</param>
/// <param name="Rows">Labelled rows in the window.</param>
/// <param name="Reference">The interval it is held against (the model's test-set interval or a reference window's), or null.</param>
/// <param name="ConceptDrift">True when the value lies beyond the reference interval on the bad side (below its low end for a
/// higher-is-better metric, above its high end otherwise).</param>
public sealed record WindowPerformance(string Metric, Interval Value, int Rows, Interval? Reference, bool ConceptDrift);

/// <summary>Performance once labels arrive: any metric of <see cref="Evaluator"/> per window, with intervals from the same seeded bootstrap
/// as `keel run`'s test evaluation, so a window's interval and the registration interval are comparable.</summary>
public static class PerformanceCalculator
{
    /// <summary>The realised <paramref name="metric"/> of <paramref name="rows"/> and the concept-drift flag against <paramref name="reference"/>.</summary>
    /// <exception cref="Keel.Core.KeelInputException">Unknown metric.</exception>
    public static WindowPerformance Realised(LabelledPredictions rows, string metric, BootstrapOptions options, Interval? reference)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var info = MetricCatalog.Get(metric);
        if (rows.Count == 0) return new WindowPerformance(metric, Interval.Undefined(double.NaN), 0, reference, false);
        var intervals = Bootstrap.MetricIntervals(rows.Truth, rows.Predictions, options);
        var value = intervals.TryGetValue(metric, out var v) ? v : Interval.Undefined(double.NaN);
        return new WindowPerformance(metric, value, rows.Count, reference, Drifted(info, value.Estimate, reference));
    }

    /// <summary>Every metric of the window by name (auc, accuracy, rmse, …), for alert rules; empty when no row is labelled.</summary>
    public static IReadOnlyDictionary<string, double> Figures(LabelledPredictions rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Count == 0 ? new Dictionary<string, double>() : Evaluator.Evaluate(rows.Truth, rows.Predictions).Metrics;
    }

    /// <summary>CBPE estimates for a binary window before labels: estimated_auc and estimated_accuracy (see <see cref="Cbpe"/>).</summary>
    public static IReadOnlyDictionary<string, double> Estimated(Keel.Core.Models.Predictions predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.Task != Keel.Core.Data.TaskKind.Binary || predictions.Probabilities is null) return new Dictionary<string, double>();
        var p1 = predictions.Probabilities.Select(p => p[1]).ToArray();
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["estimated_auc"] = Cbpe.EstimatedAuc(p1),
            ["estimated_accuracy"] = Cbpe.EstimatedAccuracy(p1),
        };
    }

    private static bool Drifted(MetricInfo info, double value, Interval? reference)
    {
        if (reference is null || double.IsNaN(value)) return false;
        var bound = info.HigherIsBetter ? reference.Low : reference.High;
        if (double.IsNaN(bound)) bound = reference.Estimate;
        return info.HigherIsBetter ? value < bound : value > bound;
    }
}
