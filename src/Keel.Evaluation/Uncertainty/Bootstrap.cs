using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Evaluation.Uncertainty;

/// <summary>Options of the bootstrap behind every interval.</summary>
public sealed record BootstrapOptions
{
    /// <summary>Number of resamples. Default 1000.</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Coverage of the percentile interval. Default 0.95 (the 2.5th and 97.5th percentiles).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Seed of the SplitMix64 stream that draws the resamples. Default 42 (a run passes its spec seed).</summary>
    public ulong Seed { get; init; } = 42;
}

/// <summary>A statistic with its percentile bootstrap interval; <see cref="Resamples"/> counts the resamples where it was defined.</summary>
public sealed record Interval(double Estimate, double Low, double High, int Resamples)
{
    /// <summary>An interval with no resamples (the statistic is undefined or nothing was resampled).</summary>
    public static Interval Undefined(double estimate) => new(estimate, double.NaN, double.NaN, 0);
}

/// <summary>Seeded percentile bootstrap: rows drawn with replacement, the statistic recomputed, the (1-c)/2 and (1+c)/2 percentiles taken.</summary>
/// <remarks>A resample where a statistic is undefined (NaN, e.g. AUC of a single class) is skipped for that statistic only.</remarks>
public static class Bootstrap
{
    /// <summary>Intervals for every metric of <see cref="Evaluator.Evaluate(Keel.Core.Models.EncodedLabels, Keel.Core.Models.Predictions)"/> over <paramref name="rows"/> (all rows when null).</summary>
    /// <remarks>Each resample is scored from its count vector by <see cref="ResampleScorer"/>, with the values the metrics have on the
    /// resampled rows themselves.</remarks>
    public static IReadOnlyDictionary<string, Interval> MetricIntervals(EncodedLabels truth, Predictions predictions, BootstrapOptions options,
        IReadOnlyList<int>? rows = null)
    {
        var t = rows is null ? truth : truth.Take(rows);
        var p = rows is null ? predictions : predictions.Take(rows);
        var estimate = Evaluator.Evaluate(t, p).Metrics;
        var scorer = new ResampleScorer(t, p);
        var keys = estimate.Keys.ToArray();
        var at = keys.Select(k => Array.IndexOf(scorer.Names, k)).ToArray();
        var samples = keys.Select(_ => new List<double>(options.Resamples)).ToArray();
        var rng = new SplitMix64(options.Seed);
        var counts = new int[scorer.Rows];
        var values = new double[scorer.Names.Length];
        for (var b = 0; b < options.Resamples; b++)
        {
            rng.Counts(counts);
            scorer.Score(counts, values);
            for (var j = 0; j < keys.Length; j++)
            {
                if (at[j] >= 0 && !double.IsNaN(values[at[j]])) samples[j].Add(values[at[j]]);
            }
        }
        return keys.Select((k, j) => (k, j)).ToDictionary(x => x.k, x => Summarise(estimate[x.k], samples[x.j], options.Confidence), StringComparer.Ordinal);
    }

    /// <summary>Intervals of several statistics of the same resamples of <paramref name="rows"/> rows; a statistic reads a resample as
    /// its count vector (how often each row was drawn; all ones for the estimate) and returns NaN where undefined.</summary>
    public static IReadOnlyList<Interval> OfMany(int rows, Func<int[], double[]> statistics, BootstrapOptions options)
    {
        var counts = new int[rows];
        Array.Fill(counts, 1);
        var estimate = statistics(counts);
        var values = estimate.Select(_ => new List<double>(options.Resamples)).ToArray();
        var rng = new SplitMix64(options.Seed);
        for (var b = 0; b < options.Resamples; b++)
        {
            rng.Counts(counts);
            var v = statistics(counts);
            for (var j = 0; j < v.Length; j++)
            {
                if (!double.IsNaN(v[j])) values[j].Add(v[j]);
            }
        }
        return estimate.Select((e, j) => Summarise(e, values[j], options.Confidence)).ToArray();
    }

    internal static Interval Summarise(double estimate, List<double> values, double confidence)
    {
        if (values.Count == 0) return Interval.Undefined(estimate);
        values.Sort();
        var tail = (1 - confidence) / 2;
        return new Interval(estimate, Percentile.OfSorted(values, tail), Percentile.OfSorted(values, 1 - tail), values.Count);
    }
}
