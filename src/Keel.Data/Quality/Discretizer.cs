using Keel.Core.Data;

namespace Keel.Data.Quality;

/// <summary>Turns a column into small integer codes (quantile bins for numbers, the most frequent values for strings, one code
/// for missing), learned from chosen rows only: the inputs of the cheap models behind label-noise and single-feature checks.</summary>
internal static class Discretizer
{
    /// <summary>Codes for every row of <paramref name="column"/>, bins or values learned from <paramref name="fitRows"/>;
    /// <paramref name="codeCount"/> is the number of codes (missing and unseen values have their own).</summary>
    public static int[] Codes(Column column, IReadOnlyList<int> fitRows, int bins, int maxValues, out int codeCount)
    {
        var codes = new int[column.Length];
        if (column is NumericColumn n)
        {
            var fit = new List<double>(fitRows.Count);
            foreach (var r in fitRows)
            {
                if (!double.IsNaN(n[r])) fit.Add(n[r]);
            }
            fit.Sort();
            var edges = new List<double>();
            for (var k = 1; k < bins && fit.Count > 0; k++)
            {
                var e = fit[Math.Min(fit.Count - 1, (int)((long)k * fit.Count / bins))];
                if (edges.Count == 0 || e > edges[^1]) edges.Add(e);
            }
            var edgeArray = edges.ToArray();
            var missing = edgeArray.Length + 1;
            codeCount = missing + 1;
            for (var r = 0; r < codes.Length; r++)
            {
                var v = n[r];
                if (double.IsNaN(v))
                {
                    codes[r] = missing;
                    continue;
                }
                // Values equal to an edge go above it: the edge is the first value of its bin.
                var i = Array.BinarySearch(edgeArray, v);
                codes[r] = i >= 0 ? i + 1 : ~i;
            }
            return codes;
        }
        var s = (StringColumn)column;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in fitRows)
        {
            if (s[r] is { } v) counts[v] = counts.GetValueOrDefault(v) + 1;
        }
        var kept = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(maxValues)
            .Select((kv, i) => (kv.Key, i)).ToDictionary(x => x.Key, x => x.i, StringComparer.Ordinal);
        var other = kept.Count;
        codeCount = other + 2;
        for (var r = 0; r < codes.Length; r++)
            codes[r] = s[r] is not { } v ? other + 1 : kept.TryGetValue(v, out var c) ? c : other;
        return codes;
    }
}
