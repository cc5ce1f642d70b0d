namespace Keel.Monitoring.Drift;

/// <summary>
/// Population stability index as <c>shared/bench/peers/drift.py</c> defines it: Σ (c − r)·ln(c / r) over bins, with both
/// proportions floored at 1e-4. Numeric bins are cut at the reference's deciles (NumPy's 'linear' quantiles at 0.1 … 0.9,
/// duplicates removed); bin i holds edges[i−1] &lt; x ≤ edges[i]. Categorical bins are the union of both sides' categories.
/// </summary>
public static class Psi
{
    /// <summary>Proportions below this are raised to it, so an empty bin gives a finite index.</summary>
    public const double Floor = 1e-4;

    // numpy.linspace(0.1, 0.9, 9), bit for bit.
    private static readonly double[] Deciles = [0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6, 0.7000000000000001, 0.8, 0.9];

    /// <summary>PSI of two proportion vectors over the same bins.</summary>
    public static double Index(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        var sum = 0.0;
        for (var i = 0; i < reference.Length; i++)
        {
            var r = Math.Max(reference[i], Floor);
            var c = Math.Max(current[i], Floor);
            sum += (c - r) * Math.Log(c / r);
        }
        return sum;
    }

    /// <summary>The bin edges of an ascending reference sample: its deciles, duplicates removed.</summary>
    public static double[] Edges(ReadOnlySpan<double> sortedReference)
    {
        if (sortedReference.Length == 0) return [];
        var edges = new List<double>(Deciles.Length);
        foreach (var q in Deciles)
        {
            var e = Quantile(sortedReference, q);
            if (edges.Count == 0 || e != edges[^1]) edges.Add(e);
        }
        return [.. edges];
    }

    /// <summary>NumPy's default ('linear') quantile of an ascending sample, with its interpolation formula.</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        var index = (sorted.Length - 1) * q;
        var lo = Math.Floor(index);
        var gamma = index - lo;
        var a = sorted[(int)lo];
        var b = sorted[Math.Min((int)lo + 1, sorted.Length - 1)];
        var diff = b - a;
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
    }

    /// <summary>The share of an ascending sample in each bin of <paramref name="edges"/> (edges.Length + 1 bins).</summary>
    public static double[] Proportions(ReadOnlySpan<double> sorted, ReadOnlySpan<double> edges)
    {
        var p = new double[edges.Length + 1];
        var below = 0;
        for (var i = 0; i < edges.Length; i++)
        {
            var upTo = UpperBound(sorted, edges[i]); // values ≤ edges[i]
            p[i] = (double)(upTo - below) / sorted.Length;
            below = upTo;
        }
        p[edges.Length] = (double)(sorted.Length - below) / sorted.Length;
        return p;
    }

    /// <summary>The number of values ≤ <paramref name="x"/> in an ascending sample.</summary>
    internal static int UpperBound(ReadOnlySpan<double> sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
