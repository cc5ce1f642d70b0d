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
        var estimate = Difference(Evaluator.Evaluate(truth, a).Metrics, Evaluator.Evaluate(truth, b).Metrics, metric);
        ResampleScorer sa = new(truth, a), sb = new(truth, b);
        var at = Array.IndexOf(sa.Names, metric);
        var diffs = new List<double>(options.Resamples);
        var rng = new SplitMix64(options.Seed);
        var counts = new int[truth.Count];
        double[] va = new double[sa.Names.Length], vb = new double[sb.Names.Length];
        for (var r = 0; r < options.Resamples && at >= 0; r++)
        {
            rng.Counts(counts);
            sa.Score(counts, va);
            sb.Score(counts, vb);
            var d = va[at] - vb[at];
            if (!double.IsNaN(d)) diffs.Add(d);
        }
        if (diffs.Count == 0) return (estimate, Interval.Undefined(estimate), double.NaN);
        double low = diffs.Count(d => d <= 0), high = diffs.Count(d => d >= 0);
        var p = Math.Min(1, 2 * Math.Min(low, high) / diffs.Count);
        return (estimate, Bootstrap.Summarise(estimate, diffs, options.Confidence), p);
    }

    private static double Difference(IReadOnlyDictionary<string, double> a, IReadOnlyDictionary<string, double> b, string metric) =>
        a.TryGetValue(metric, out var x) && b.TryGetValue(metric, out var y) ? x - y : double.NaN;
}
