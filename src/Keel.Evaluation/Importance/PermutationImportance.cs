using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Core.Models;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Importance;

/// <summary>The permutation importance of one feature column: the drop of the metric over the repeats, their mean and spread.</summary>
/// <param name="Column">The feature column whose values were shuffled.</param>
/// <param name="Mean">Mean drop (positive: the model needs the column).</param>
/// <param name="Std">Population standard deviation of the drops (ddof 0, as scikit-learn's importances_std).</param>
/// <param name="Drops">The drop of each repeat, in order.</param>
public sealed record FeatureImportance(string Column, double Mean, double Std, IReadOnlyList<double> Drops);

/// <summary>Permutation importance of a model on a table (sklearn.inspection.permutation_importance's definition).</summary>
/// <param name="Metric">The metric whose drop is measured.</param>
/// <param name="Baseline">The metric on the rows as they are.</param>
/// <param name="Repeats">Shuffles per column.</param>
/// <param name="Seed">Seed of the shuffles.</param>
/// <param name="Features">One entry per feature column, largest mean drop first.</param>
public sealed record PermutationImportanceResult(string Metric, double Baseline, int Repeats, ulong Seed, IReadOnlyList<FeatureImportance> Features);

/// <summary>Options of the permutation importance (spec evaluation.importance_repeats).</summary>
public sealed record PermutationImportanceOptions
{
    /// <summary>Shuffles per column. Default 5 (scikit-learn's n_repeats); 0 turns the importance off.</summary>
    public int Repeats { get; init; } = 5;

    /// <summary>Seed of the shuffles. Default 42 (a run passes its own seed).</summary>
    public ulong Seed { get; init; } = 42;
}

/// <summary>Computes permutation importance: for each column and repeat, the column's values are shuffled across the rows, the model
/// predicts again, and the drop is score(as is) − score(shuffled), the metric's sign turned so that a drop is bad for either direction
/// (for a loss: loss(shuffled) − loss(as is)).</summary>
/// <remarks>As scikit-learn does, every column sees the same sequence of shuffles: repeat r of each column uses the r-th permutation of
/// one SplitMix64 stream seeded with the seed (Fisher–Yates from the last row down, j = next() mod (i + 1)), so the reference script
/// (Fixtures/make_importance_fixtures.py) draws them bit for bit.</remarks>
public static class PermutationImportance
{
    /// <summary>The importance of each of <paramref name="columns"/> (default: every column of <paramref name="features"/>) for
    /// <paramref name="predict"/> in <paramref name="metric"/>.</summary>
    public static PermutationImportanceResult Compute(Table features, EncodedLabels truth, Func<Table, Predictions> predict, string metric,
        PermutationImportanceOptions options, IReadOnlyList<string>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predict);
        ArgumentNullException.ThrowIfNull(options);
        var higher = MetricCatalog.Get(metric).HigherIsBetter;
        var baseline = Score(truth, predict(features), metric);
        var permutations = Permutations(features.RowCount, options.Repeats, options.Seed);
        var result = new List<FeatureImportance>();
        foreach (var column in columns is null ? features.Columns : columns.Select(c => features[c]))
        {
            var drops = new double[options.Repeats];
            for (var r = 0; r < options.Repeats; r++)
            {
                var shuffled = new Table(features.Columns.Select(c => c.Name == column.Name ? c.Take(permutations[r]) : c).ToArray());
                var score = Score(truth, predict(shuffled), metric);
                drops[r] = higher ? baseline - score : score - baseline;
            }
            var mean = drops.Length == 0 ? double.NaN : Mean(drops);
            var std = drops.Length == 0 ? double.NaN : Math.Sqrt(drops.Select(d => (d - mean) * (d - mean)).Sum() / drops.Length);
            result.Add(new FeatureImportance(column.Name, mean, std, drops));
        }
        return new PermutationImportanceResult(metric, baseline, options.Repeats, options.Seed,
            result.OrderByDescending(f => double.IsNaN(f.Mean) ? double.NegativeInfinity : f.Mean).ThenBy(f => f.Column, StringComparer.Ordinal).ToArray());
    }

    /// <summary>The <paramref name="repeats"/> permutations of 0..n-1 that every column uses, in order.</summary>
    public static int[][] Permutations(int n, int repeats, ulong seed)
    {
        var stream = new SplitMix64(seed);
        var all = new int[repeats][];
        for (var r = 0; r < repeats; r++)
        {
            var p = Enumerable.Range(0, n).ToArray();
            for (var i = n - 1; i > 0; i--)
            {
                var j = stream.NextIndex(i + 1);
                (p[i], p[j]) = (p[j], p[i]);
            }
            all[r] = p;
        }
        return all;
    }

    private static double Score(EncodedLabels truth, Predictions predictions, string metric) =>
        Evaluator.Evaluate(truth, predictions).Metrics.TryGetValue(metric, out var v) ? v : double.NaN;

    private static double Mean(double[] v)
    {
        var s = 0.0;
        foreach (var x in v) s += x;
        return s / v.Length;
    }
}
