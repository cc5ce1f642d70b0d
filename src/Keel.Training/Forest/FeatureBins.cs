using Keel.Training.Featurization;

namespace Keel.Training.Forest;

/// <summary>Every feature of a training matrix cut once into at most 255 bins: byte codes per row (feature-major) and, per
/// feature, the split threshold after each bin.</summary>
/// <remarks>A feature with at most the bin count of distinct values gets one bin per value and thresholds midway between
/// neighbours, so splits are exact as in scikit-learn's trees; others get quantile bins. A value goes left of threshold t when
/// it is at most t, so a bin code b goes left when b is at most the split bin. Missing values (NaN) take the last bin, and
/// NaN is never at most a threshold, so they go right both in training and in prediction.</remarks>
internal sealed class FeatureBins
{
    private FeatureBins(int rows, byte[] codes, double[][] thresholds, float[]?[] values)
    {
        Rows = rows;
        Codes = codes;
        Thresholds = thresholds;
        Values = values;
    }

    /// <summary>Training rows.</summary>
    public int Rows { get; }

    /// <summary>Bin code of row r of feature j at j × Rows + r.</summary>
    public byte[] Codes { get; }

    /// <summary>Per feature, the upper threshold of each bin but the last (ascending).</summary>
    public double[][] Thresholds { get; }

    /// <summary>Per feature, the single value of each bin when the feature is binned exactly; null entries for quantile bins.</summary>
    public float[]?[] Values { get; }

    /// <summary>The bins of <paramref name="matrix"/>'s features with at most <paramref name="maxBins"/> bins each.</summary>
    public static FeatureBins Build(FeatureMatrix matrix, int maxBins)
    {
        var n = matrix.RowCount;
        var p = matrix.Width;
        // Column-major copy of the matrix, one feature at a time sorted for its cut points.
        var columns = new float[p][];
        for (var j = 0; j < p; j++) columns[j] = new float[n];
        var row = new float[p];
        for (var r = 0; r < n; r++)
        {
            matrix.CopyRow(r, row);
            for (var j = 0; j < p; j++) columns[j][r] = row[j];
        }
        var codes = new byte[(long)n * p];
        var thresholds = new double[p][];
        var values = new float[]?[p];
        Parallel.For(0, p, j =>
        {
            var (t, v) = CutPoints(columns[j], maxBins);
            thresholds[j] = t;
            values[j] = v;
            var column = columns[j];
            var offset = (long)j * n;
            for (var r = 0; r < n; r++) codes[offset + r] = (byte)Code(t, column[r]);
        });
        return new FeatureBins(n, codes, thresholds, values);
    }

    /// <summary>The bin of <paramref name="x"/>: the first threshold it is at most, or the last bin.</summary>
    private static int Code(double[] thresholds, float x)
    {
        if (float.IsNaN(x)) return thresholds.Length;
        int lo = 0, hi = thresholds.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (x <= thresholds[mid]) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>scikit-learn's threshold between neighbouring values a &lt; b: their midpoint, or a when rounding reaches b.</summary>
    public static double Midpoint(float a, float b)
    {
        var t = a / 2.0 + b / 2.0;
        return t >= b || double.IsInfinity(t) ? a : t;
    }

    private static (double[] Thresholds, float[]? Values) CutPoints(float[] column, int maxBins)
    {
        var sorted = column.Where(v => !float.IsNaN(v)).ToArray();
        Array.Sort(sorted);
        var distinct = new List<float>();
        var counts = new List<int>();
        foreach (var v in sorted)
        {
            if (distinct.Count > 0 && distinct[^1] == v) counts[^1]++;
            else
            {
                distinct.Add(v);
                counts.Add(1);
            }
        }
        // Missing values need a bin of their own after the values' bins.
        var hasMissing = sorted.Length < column.Length;
        var room = hasMissing ? maxBins - 1 : maxBins;
        if (distinct.Count <= room)
        {
            var exact = new double[Math.Max(0, distinct.Count - 1) + (hasMissing && distinct.Count > 0 ? 1 : 0)];
            for (var b = 0; b + 1 < distinct.Count; b++) exact[b] = Midpoint(distinct[b], distinct[b + 1]);
            // With missing values the last value's bin ends at the value itself; NaN lands beyond it.
            if (hasMissing && distinct.Count > 0) exact[^1] = distinct[^1];
            return (exact, distinct.ToArray());
        }
        // Quantile cuts on the sorted values, each moved to the gap after a distinct value so equal values share a bin.
        var cuts = new List<double>();
        var seen = 0;
        var next = 1;
        for (var i = 0; i + 1 < distinct.Count && cuts.Count < room - 1; i++)
        {
            seen += counts[i];
            if (seen < (long)next * sorted.Length / room) continue;
            cuts.Add(Midpoint(distinct[i], distinct[i + 1]));
            while ((long)next * sorted.Length / room <= seen) next++;
        }
        if (hasMissing) cuts.Add(distinct[^1]);
        return (cuts.ToArray(), null);
    }
}
