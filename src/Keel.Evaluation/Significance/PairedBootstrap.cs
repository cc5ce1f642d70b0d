using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Significance;

/// <summary>Paired bootstrap of a metric difference: both models are scored on the same resampled rows.</summary>
/// <remarks>p = min(1, 2·min(share of resamples with difference ≤ 0, share with difference ≥ 0)): how often the sign of the
/// difference would flip, two-sided. Resamples where the metric is undefined for either model are skipped.</remarks>
internal static class PairedBootstrap
{
    public static (double Difference, Interval Interval, double PValue) Test(EncodedLabels truth, Predictions a, Predictions b, string metric,
        BootstrapOptions options)
    {
        var all = Enumerable.Range(0, truth.Count).ToArray();
        var diffs = new List<double>(options.Resamples);
        var rng = new SplitMix64(options.Seed);
        for (var r = 0; r < options.Resamples; r++)
        {
            var d = Difference(truth, a, b, metric, rng.Resample(all));
            if (!double.IsNaN(d)) diffs.Add(d);
        }
        var estimate = Difference(truth, a, b, metric, all);
        if (diffs.Count == 0) return (estimate, Interval.Undefined(estimate), double.NaN);
        double low = diffs.Count(d => d <= 0), high = diffs.Count(d => d >= 0);
        var p = Math.Min(1, 2 * Math.Min(low, high) / diffs.Count);
        return (estimate, Bootstrap.Summarise(estimate, diffs, options.Confidence), p);
    }

    private static double Difference(EncodedLabels truth, Predictions a, Predictions b, string metric, IReadOnlyList<int> rows)
    {
        var t = truth.Take(rows);
        var ma = Evaluator.Evaluate(t, Bootstrap.Take(a, rows)).Metrics;
        var mb = Evaluator.Evaluate(t, Bootstrap.Take(b, rows)).Metrics;
        return ma.TryGetValue(metric, out var x) && mb.TryGetValue(metric, out var y) ? x - y : double.NaN;
    }
}
