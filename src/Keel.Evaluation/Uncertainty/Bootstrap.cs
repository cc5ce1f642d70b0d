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
    /// <summary>Intervals for every metric of <see cref="Evaluator.Evaluate"/> over <paramref name="rows"/> (all rows when null).</summary>
    public static IReadOnlyDictionary<string, Interval> MetricIntervals(EncodedLabels truth, Predictions predictions, BootstrapOptions options,
        IReadOnlyList<int>? rows = null)
    {
        rows ??= Enumerable.Range(0, truth.Count).ToArray();
        var estimate = Evaluator.Evaluate(truth.Take(rows), Take(predictions, rows)).Metrics;
        var samples = estimate.Keys.ToDictionary(k => k, _ => new List<double>(options.Resamples), StringComparer.Ordinal);
        var rng = new SplitMix64(options.Seed);
        // Resamples are drawn in order (so the seed fixes them), then scored in parallel and read back in that order.
        var draws = Enumerable.Range(0, options.Resamples).Select(_ => rng.Resample(rows)).ToArray();
        var scored = new IReadOnlyDictionary<string, double>[draws.Length];
        Parallel.For(0, draws.Length, b => scored[b] = Evaluator.Evaluate(truth.Take(draws[b]), Take(predictions, draws[b])).Metrics);
        foreach (var m in scored)
        {
            foreach (var (k, list) in samples)
            {
                if (m.TryGetValue(k, out var v) && !double.IsNaN(v)) list.Add(v);
            }
        }
        return samples.ToDictionary(s => s.Key, s => Summarise(estimate[s.Key], s.Value, options.Confidence), StringComparer.Ordinal);
    }

    /// <summary>The interval of any statistic of a set of row indices (it returns NaN where undefined).</summary>
    public static Interval Of(IReadOnlyList<int> rows, Func<IReadOnlyList<int>, double> statistic, BootstrapOptions options)
    {
        var rng = new SplitMix64(options.Seed);
        var values = new List<double>(options.Resamples);
        for (var b = 0; b < options.Resamples; b++)
        {
            var v = statistic(rng.Resample(rows));
            if (!double.IsNaN(v)) values.Add(v);
        }
        return Summarise(statistic(rows), values, options.Confidence);
    }

    /// <summary>Several statistics of the same resamples at once (cheaper than one pass each).</summary>
    public static IReadOnlyList<Interval> OfMany(IReadOnlyList<int> rows, Func<IReadOnlyList<int>, double[]> statistics, BootstrapOptions options)
    {
        var rng = new SplitMix64(options.Seed);
        var estimate = statistics(rows);
        var values = estimate.Select(_ => new List<double>(options.Resamples)).ToArray();
        for (var b = 0; b < options.Resamples; b++)
        {
            var v = statistics(rng.Resample(rows));
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

    /// <summary>The predictions of the given rows, in that order.</summary>
    public static Predictions Take(Predictions p, IReadOnlyList<int> rows) => p with
    {
        Probabilities = p.Probabilities is null ? null : rows.Select(r => p.Probabilities[r]).ToArray(),
        Values = p.Values is null ? null : rows.Select(r => p.Values[r]).ToArray(),
    };
}
