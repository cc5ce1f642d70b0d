using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;

namespace Keel.Training.Featurization;

/// <summary>The configured transforms of one column (features.by_type, then features.columns) and the numeric pieces of them:
/// scaling, bins and crosses.</summary>
internal static class Transforms
{
    /// <summary>No option set: Keel's defaults.</summary>
    public static FeatureTransform Empty { get; } = new();

    /// <summary>The options of <paramref name="column"/>: its type's, overridden by its own.</summary>
    public static FeatureTransform For(FeaturizerOptions options, Column column)
    {
        return options.Engineering?.For(column.Name, column.Type) ?? Empty;
    }

    /// <summary>The crossed column "A*B": "a|b" per row, missing when either value is.</summary>
    /// <exception cref="KeelInputException">The table lacks one of the two columns.</exception>
    public static StringColumn Crossed(Table table, string first, string second, string name)
    {
        string? Text(Column c, int r) => c switch
        {
            NumericColumn n => double.IsNaN(n.Values[r]) ? null : n.Values[r].ToString("R", CultureInfo.InvariantCulture),
            StringColumn s => s.Values[r],
            _ => null,
        };
        Column Need(string column) => table.Contains(column)
            ? table[column]
            : throw new KeelInputException($"The input has no column '{column}', which the model expects (it is crossed into '{name}').");
        var (a, b) = (Need(first), Need(second));
        var values = new string?[table.RowCount];
        for (var r = 0; r < values.Length; r++)
        {
            var (x, y) = (Text(a, r), Text(b, r));
            values[r] = x is null || y is null ? null : $"{x}|{y}";
        }
        return new StringColumn(name, values);
    }

    /// <summary>The plan scaled by <paramref name="scale"/> (standard, minmax or robust) fitted on the imputed, ascending train values.</summary>
    public static ColumnPlan Scaled(ColumnPlan plan, string scale, ReadOnlySpan<double> sorted)
    {
        if (scale == "none" || sorted.Length == 0) return plan;
        var (center, spread) = ColumnStatistics.ScaleOf(scale, sorted)
            ?? throw new KeelInputException($"features: column '{plan.Name}': unknown scale '{scale}'; expected none, standard, minmax or robust.");
        return plan with { Scale = scale, Center = center, Spread = spread };
    }

    /// <summary>A value after scaling; infinities first become the train extremes.</summary>
    public static double Scale(double v, ColumnPlan plan)
    {
        if (double.IsPositiveInfinity(v)) v = plan.Max;
        else if (double.IsNegativeInfinity(v)) v = plan.Min;
        return (v - plan.Center) / plan.Spread;
    }

    /// <summary>The inner cut points of <paramref name="bins"/> (quantile, uniform or fixed) over the imputed, ascending train values,
    /// as KBinsDiscretizer: quantile edges closer than 1e-8 merge, and a constant column has one bin.</summary>
    public static double[] BinEdges(string bins, ReadOnlySpan<double> sorted, FeatureTransform transform, string column)
    {
        if (bins == "fixed")
            return transform.BinEdges?.ToArray() ?? throw new KeelInputException($"features: column '{column}': bins fixed needs edges, e.g. edges: [0, 10, 100].");
        var n = transform.BinCount ?? 5;
        if (sorted.Length == 0 || sorted[0] == sorted[^1]) return [];
        var edges = new double[n + 1];
        if (bins == "uniform")
        {
            // numpy.linspace: start + i * step, the last one exactly the stop.
            var step = (sorted[^1] - sorted[0]) / n;
            for (var i = 0; i < n; i++) edges[i] = i * step + sorted[0];
            edges[n] = sorted[^1];
            return edges[1..^1];
        }
        if (bins != "quantile") throw new KeelInputException($"features: column '{column}': unknown bins '{bins}'; expected quantile, uniform or fixed.");
        var q = 100d / n;
        for (var i = 0; i <= n; i++) edges[i] = ColumnStatistics.Percentile(sorted, i == n ? 100 : i * q);
        var kept = new List<double> { edges[0] };
        for (var i = 1; i <= n; i++)
        {
            if (edges[i] - edges[i - 1] > 1e-8) kept.Add(edges[i]);
        }
        return kept.Count <= 2 ? [] : kept.GetRange(1, kept.Count - 2).ToArray();
    }

    /// <summary>The bin number of <paramref name="v"/>: how many cut points are at or below it (searchsorted, side right).</summary>
    public static float Bin(IReadOnlyList<double> edges, double v)
    {
        int lo = 0, hi = edges.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (edges[mid] <= v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
