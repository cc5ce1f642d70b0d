using System.Globalization;
using Keel.Core.Data;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Slices;

/// <summary>One value (or value range) of a column and the rows that have it.</summary>
public sealed record Segment(string Column, string Value, int[] Rows);

/// <summary>Cuts a column into segments: one per value (categorical, boolean), quantile bins (numeric), and "(missing)".</summary>
public static class Slicer
{
    /// <summary>Label of the segment of missing values.</summary>
    public const string Missing = "(missing)";

    /// <summary>Segments of <paramref name="column"/> over <paramref name="rows"/> (indices into the column), in value order.</summary>
    /// <remarks>Numeric columns with more than <paramref name="bins"/> distinct values are cut at numpy-percentile edges into bins
    /// (first, e0]... closed on the right and the first bin closed on the left too, as pandas.qcut(duplicates='drop').</remarks>
    public static IReadOnlyList<Segment> Segments(Column column, IReadOnlyList<int> rows, int bins = 4)
    {
        var groups = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<string>();
        void Add(string key, int row)
        {
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
                order.Add(key);
            }
            list.Add(row);
        }
        if (column is NumericColumn num)
        {
            var present = rows.Where(r => !double.IsNaN(num[r])).Select(r => num[r]).Order().ToArray();
            var distinct = present.Distinct().ToArray();
            if (distinct.Length <= bins)
            {
                foreach (var r in rows.Where(r => !double.IsNaN(num[r])).OrderBy(r => num[r])) Add(num.Format(r), r);
            }
            else
            {
                var edges = Percentile.Edges(present, bins).Distinct().ToArray();
                Func<double, string> f = num.Type == ColumnType.DateTime ? Time(edges) : F;
                var labels = Enumerable.Range(0, edges.Length - 1)
                    .Select(j => $"{(j == 0 ? "[" : "(")}{f(edges[j])}, {f(edges[j + 1])}]").ToArray();
                var inner = edges[1..^1];
                foreach (var r in rows.Where(r => !double.IsNaN(num[r])).OrderBy(r => num[r]))
                    Add(labels[Percentile.SearchLeft(inner, num[r])], r);
            }
            foreach (var r in rows.Where(r => double.IsNaN(num[r]))) Add(Missing, r);
            return order.Select(k => new Segment(column.Name, k, groups[k].Order().ToArray())).ToArray();
        }
        var s = (StringColumn)column;
        foreach (var r in rows) Add(s[r] ?? Missing, r);
        return groups.Select(g => new Segment(column.Name, g.Key, g.Value.ToArray())).ToArray();
    }

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>How the bin edges of a date-time column (Unix seconds) are written: as dates when every edge is a midnight (UTC), else
    /// to the second, as the column's values are (<c>2001-06-13T06:30:00Z</c>); never as numbers of seconds.</summary>
    private static Func<double, string> Time(double[] edges)
    {
        var days = edges.All(e => e % 86_400 == 0);
        return days ? e => DateTimeOffset.UnixEpoch.AddSeconds(e).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : NumericColumn.FormatTime;
    }
}
