using Keel.Core.Data;

namespace Keel.Data;

/// <summary>Computes per-column summary statistics for reports and data-quality checks.</summary>
public static class TableProfiler
{
    /// <summary>Number of equal-width histogram bins.</summary>
    public const int HistogramBins = 20;

    /// <summary>Number of most frequent values kept.</summary>
    public const int TopValueCount = 10;

    /// <summary>Profiles every column of <paramref name="table"/>.</summary>
    public static TableProfile Profile(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new TableProfile(table.RowCount, table.Columns.Select(ProfileColumn).ToArray());
    }

    private static ColumnProfile ProfileColumn(Column column)
    {
        var missing = column.MissingCount();
        var count = column.Length - missing;
        if (column is NumericColumn numeric && column.Type != ColumnType.Boolean) return ProfileNumeric(numeric, count, missing);

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var r = 0; r < column.Length; r++)
        {
            if (column.IsMissing(r)) continue;
            var v = column.Format(r);
            counts[v] = counts.GetValueOrDefault(v) + 1;
        }
        var top = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(TopValueCount).Select(kv => new CategoryCount(kv.Key, kv.Value)).ToArray();
        double? mean = column.Type == ColumnType.Boolean && count > 0 ? (double)counts.GetValueOrDefault("true") / count : null;
        return new ColumnProfile(column.Name, column.Type, count, missing, counts.Count, mean, null, null, null, null, [], top);
    }

    private static ColumnProfile ProfileNumeric(NumericColumn column, int count, int missing)
    {
        // Statistics cover the finite values: one infinity would make the mean, the bins and the stored JSON meaningless.
        var finite = 0;
        foreach (var v in column.Values)
        {
            if (double.IsFinite(v)) finite++;
        }
        var values = new double[finite];
        var k = 0;
        foreach (var v in column.Values)
        {
            if (double.IsFinite(v)) values[k++] = v;
        }
        if (finite == 0)
            return new ColumnProfile(column.Name, column.Type, count, missing, 0, null, null, null, null, null, [], []);
        var infinite = count - finite;
        count = finite;
        Array.Sort(values);
        var mean = values.Average();
        double? std = null;
        if (count > 1)
        {
            var ss = 0.0;
            foreach (var v in values) ss += (v - mean) * (v - mean);
            std = Math.Sqrt(ss / (count - 1));
        }
        var median = count % 2 == 1 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
        var distinct = 1;
        for (var i = 1; i < count; i++)
        {
            if (values[i] != values[i - 1]) distinct++;
        }
        return new ColumnProfile(column.Name, column.Type, count + infinite, missing, distinct, mean, std, values[0], values[^1], median,
            Histogram(values), []);
    }

    /// <summary>Equal-width bins over sorted values; a constant column gets one bin.</summary>
    private static HistogramBin[] Histogram(double[] sorted)
    {
        double min = sorted[0], max = sorted[^1];
        if (min == max) return [new HistogramBin(min, max, sorted.Length)];
        var width = (max - min) / HistogramBins;
        var counts = new int[HistogramBins];
        foreach (var v in sorted)
        {
            var b = (int)((v - min) / width);
            counts[Math.Clamp(b, 0, HistogramBins - 1)]++;
        }
        return counts.Select((c, i) => new HistogramBin(min + i * width, i == HistogramBins - 1 ? max : min + (i + 1) * width, c)).ToArray();
    }
}
