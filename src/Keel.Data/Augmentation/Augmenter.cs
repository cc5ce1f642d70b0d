using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Data.Augmentation;

/// <summary>Options of <see cref="Augmenter"/>: label-preserving perturbations of training rows.</summary>
public sealed record AugmentOptions
{
    /// <summary>Perturbed copies added per training row. Default 1.</summary>
    public int Copies { get; init; } = 1;

    /// <summary>Numeric features get uniform noise within ± this fraction of the column's standard deviation (over the
    /// training rows). Default 0.05; 0 leaves numbers unchanged.</summary>
    public double Noise { get; init; } = 0.05;

    /// <summary>Per categorical column, values replaced in the copies (e.g. Home: {rent: other}). Default: none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Swaps { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Seed of the noise. Default 42.</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>Adds perturbed copies of training rows with their labels: noise on numbers, category swaps by a map; the
/// originals come first, unchanged. Booleans, date-times and text are copied as they are.</summary>
public static class Augmenter
{
    /// <summary>The rows of <paramref name="features"/> followed by <see cref="AugmentOptions.Copies"/> perturbed copies of each.</summary>
    /// <exception cref="KeelInputException">A swap names a column that is not a categorical feature.</exception>
    public static (Table Features, EncodedLabels Labels) Augment(Table features, EncodedLabels labels, AugmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var name in options.Swaps.Keys)
        {
            if (!features.Contains(name) || features[name].Type != ColumnType.Categorical)
                throw new KeelInputException($"augment.swaps.{name}: expected a categorical feature column; categorical features are: {string.Join(", ", features.Columns.Where(c => c.Type == ColumnType.Categorical).Select(c => c.Name))}.");
        }
        var n = features.RowCount;
        var total = n * (1 + options.Copies);
        var random = new Random(options.Seed);
        var columns = features.Columns.Select<Column, Column>(column =>
        {
            switch (column)
            {
                case NumericColumn { Type: ColumnType.Numeric } num:
                {
                    var present = num.Values.ToArray().Where(double.IsFinite).ToArray();
                    var mean = present.Length == 0 ? 0 : present.Average();
                    var sd = present.Length < 2 ? 0 : Math.Sqrt(present.Sum(v => (v - mean) * (v - mean)) / (present.Length - 1));
                    var v = new double[total];
                    for (var i = 0; i < total; i++)
                    {
                        var x = num[i % n];
                        v[i] = i < n || !double.IsFinite(x) ? x : x + (random.NextDouble() * 2 - 1) * options.Noise * sd;
                    }
                    return new NumericColumn(num.Name, v, num.Type);
                }
                case StringColumn s when options.Swaps.TryGetValue(s.Name, out var map):
                {
                    var v = new string?[total];
                    for (var i = 0; i < total; i++) v[i] = i >= n && s[i % n] is { } x && map.TryGetValue(x, out var to) ? to : s[i % n];
                    return new StringColumn(s.Name, v, s.Type);
                }
                default:
                    return column.Take(Enumerable.Range(0, total).Select(i => i % n).ToArray());
            }
        }).ToArray();
        return (new Table(columns), labels.Take(Enumerable.Range(0, total).Select(i => i % n).ToArray()));
    }
}
