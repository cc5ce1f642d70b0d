using MathNet.Numerics;

namespace Keel.Monitoring.Drift;

/// <summary>Chi-square test of homogeneity on a 2 × k table of category counts (no continuity correction).</summary>
/// <param name="Statistic">Pearson's χ².</param>
/// <param name="PValue">Pr(χ²_dof ≥ statistic).</param>
/// <param name="DegreesOfFreedom">k − 1 for k categories seen on either side.</param>
public sealed record ChiSquareResult(double Statistic, double PValue, int DegreesOfFreedom);

/// <summary>Statistics of two categorical samples given as counts over the same categories (the union of both sides).</summary>
public static class CategoricalStatistics
{
    /// <summary>As <c>scipy.stats.chi2_contingency([ref, cur], correction=False)</c>.</summary>
    public static ChiSquareResult ChiSquare(ReadOnlySpan<long> reference, ReadOnlySpan<long> current)
    {
        double rt = 0, ct = 0;
        foreach (var r in reference) rt += r;
        foreach (var c in current) ct += c;
        var total = rt + ct;
        // A category seen on neither side (counts over a wider category set) is not a column of the table.
        var seen = 0;
        for (var i = 0; i < reference.Length; i++) if (reference[i] + current[i] > 0) seen++;
        var dof = seen - 1;
        if (rt == 0 || ct == 0 || dof < 1) return new ChiSquareResult(double.NaN, double.NaN, Math.Max(dof, 0));
        var stat = 0.0;
        for (var i = 0; i < reference.Length; i++)
        {
            double col = reference[i] + current[i];
            if (col == 0) continue;
            var er = rt * col / total;
            var ec = ct * col / total;
            stat += (reference[i] - er) * (reference[i] - er) / er;
            stat += (current[i] - ec) * (current[i] - ec) / ec;
        }
        return new ChiSquareResult(stat, SpecialFunctions.GammaUpperRegularized(dof / 2.0, stat / 2.0), dof);
    }

    /// <summary>As <c>scipy.spatial.distance.jensenshannon(p, q, base=2)</c> of the two count vectors normalised.</summary>
    public static double JensenShannon(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double ps = 0, qs = 0;
        foreach (var v in p) ps += v;
        foreach (var v in q) qs += v;
        double left = 0, lc = 0, right = 0, rc = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var pi = p[i] / ps;
            var qi = q[i] / qs;
            var m = (pi + qi) / 2.0;
            Add(ref left, ref lc, RelativeEntropy(pi, m));
            Add(ref right, ref rc, RelativeEntropy(qi, m));
        }
        var js = (left + lc + (right + rc)) / Math.Log(2);
        return Math.Sqrt(js / 2.0);
    }

    private static double RelativeEntropy(double x, double y) => x > 0 && y > 0 ? x * Math.Log(x / y) : x == 0 && y >= 0 ? 0 : double.PositiveInfinity;

    private static void Add(ref double sum, ref double comp, double term)
    {
        var s = sum + term;
        comp += Math.Abs(sum) >= Math.Abs(term) ? sum - s + term : term - s + sum;
        sum = s;
    }

    /// <summary>Counts as proportions of their total.</summary>
    public static double[] Proportions(ReadOnlySpan<long> counts)
    {
        double total = 0;
        foreach (var c in counts) total += c;
        var p = new double[counts.Length];
        for (var i = 0; i < p.Length; i++) p[i] = counts[i] / total;
        return p;
    }
}
