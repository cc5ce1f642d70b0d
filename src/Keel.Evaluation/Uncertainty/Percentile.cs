namespace Keel.Evaluation.Uncertainty;

/// <summary>numpy's percentile with the default linear method, including its interpolation order, so bin edges agree exactly.</summary>
internal static class Percentile
{
    /// <summary>The <paramref name="q"/> quantile (0..1) of <paramref name="sorted"/> (ascending, no NaN).</summary>
    public static double OfSorted(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return double.NaN;
        var h = (sorted.Count - 1) * q;
        var lo = Math.Clamp((int)Math.Floor(h), 0, sorted.Count - 1);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        var t = h - lo;
        double a = sorted[lo], b = sorted[hi], diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    /// <summary>numpy's <c>np.percentile(x, np.linspace(0, 1, bins + 1) * 100)</c>: the edges of <paramref name="bins"/> quantile bins.</summary>
    public static double[] Edges(IReadOnlyList<double> sorted, int bins)
    {
        var edges = new double[bins + 1];
        var step = 1.0 / bins;
        for (var i = 0; i <= bins; i++)
        {
            var q = i == bins ? 1.0 : i * step;
            edges[i] = OfSorted(sorted, q * 100 / 100);
        }
        return edges;
    }

    /// <summary>The first index i with v ≤ sorted[i] (numpy's searchsorted, side left).</summary>
    public static int SearchLeft(double[] sorted, double v)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
