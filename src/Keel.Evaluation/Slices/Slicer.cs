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
                var labels = Enumerable.Range(0, edges.Length - 1)
                    .Select(j => $"{(j == 0 ? "[" : "(")}{F(edges[j])}, {F(edges[j + 1])}]").ToArray();
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
}
