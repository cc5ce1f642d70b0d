namespace Keel.Monitoring.Drift;

/// <summary>The two-sample Kolmogorov–Smirnov test: the largest gap between the empirical CDFs and its p-value.</summary>
/// <param name="Statistic">sup |F_ref − F_cur|, in [0, 1].</param>
/// <param name="PValue">Two-sided p-value as SciPy's <c>ks_2samp(method='asymp')</c>: <c>kstwo.sf(D, round(n·m/(n+m)))</c>.</param>
public sealed record KsResult(double Statistic, double PValue);

/// <summary>Statistics of two sorted numeric samples computed in one merge pass (no copies, no allocation).</summary>
public static class TwoSample
{
    /// <summary>KS statistic and Wasserstein-1 distance of two ascending samples without NaN, in one pass.</summary>
    /// <remarks>Wasserstein-1 is ∫|F_a − F_b|, summed between consecutive distinct values of the pooled sample as
    /// <c>scipy.stats.wasserstein_distance</c> does, with a compensated sum.</remarks>
    public static (KsResult Ks, double Wasserstein) KsAndWasserstein(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length == 0 || b.Length == 0) return (new KsResult(double.NaN, double.NaN), double.NaN);
        double na = a.Length, nb = b.Length;
        int i = 0, j = 0;
        double maxDiff = 0, minDiff = 0, sum = 0, comp = 0;
        while (i < a.Length || j < b.Length)
        {
            // The next distinct value of the pooled sample, and every copy of it on both sides.
            var x = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i] : b[j];
            while (i < a.Length && a[i] == x) i++;
            while (j < b.Length && b[j] == x) j++;
            var diff = i / na - j / nb;
            if (diff > maxDiff) maxDiff = diff;
            if (diff < minDiff) minDiff = diff;
            if (i < a.Length || j < b.Length)
            {
                var next = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i] : b[j];
                var term = Math.Abs(diff) * (next - x);
                var s = sum + term;
                comp += sum >= term ? sum - s + term : term - s + sum;
                sum = s;
            }
        }
        var d = Math.Max(maxDiff, Math.Min(Math.Max(-minDiff, 0), 1));
        return (new KsResult(d, KsPValue(d, a.Length, b.Length)), sum + comp);
    }

    /// <summary>The asymptotic two-sided p-value of a two-sample KS statistic <paramref name="d"/> for sample sizes n1, n2.</summary>
    public static double KsPValue(double d, long n1, long n2)
    {
        double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        var en = m * n / (m + n);
        var p = KolmogorovDistribution.Sf((int)Math.Round(en, MidpointRounding.ToEven), d);
        return Math.Clamp(p, 0, 1);
    }
}
