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

    /// <summary>Most window values <see cref="JensenShannonPValue"/> draws again per replicate; above it the chi-square test's
    /// p-value stands in (cells are then well filled, and the two tests agree).</summary>
    public const int PermutationMaxValues = 10_000;

    /// <summary>Replicates <see cref="JensenShannonPValue"/> draws at most.</summary>
    public const int PermutationReplicates = 199;

    /// <summary>Tables at or beyond the observed distance after which <see cref="JensenShannonPValue"/> stops drawing.</summary>
    public const int PermutationStopAt = 10;

    /// <summary>
    /// The permutation p-value of the Jensen–Shannon distance <paramref name="observed"/> between two samples given as counts:
    /// the share of <see cref="PermutationReplicates"/> tables, drawn by dealing the pooled values at random into a reference
    /// and a window of the same sizes (the window's counts multivariate-hypergeometric, as a permutation test draws them), whose
    /// distance is at least as large, with the observed table counted as one of them: (1 + b) / (B + 1). It stops early once
    /// <see cref="PermutationStopAt"/> tables have reached the observed distance, at the L-th table, and gives h / L then
    /// (Besag and Clifford's sequential p-value): above 0.05 whenever it stops early, so every verdict at 5 % is the full
    /// test's, and unchanged data (most windows) costs a few dozen tables instead of 199. Unlike the chi-square test's
    /// asymptotic p-value it holds its level with many sparse categories, where a sample's distance is far above the
    /// population's. Seeded, so the same counts give the same p-value. NaN when either side is empty.
    /// </summary>
    /// <param name="reference">Reference counts per category.</param>
    /// <param name="current">Window counts over the same categories.</param>
    /// <param name="observed">Their distance (<see cref="JensenShannon"/>).</param>
    /// <param name="seed">Seed of the draws.</param>
    public static double JensenShannonPValue(ReadOnlySpan<long> reference, ReadOnlySpan<long> current, double observed, int seed = 0)
    {
        var k = reference.Length;
        long n = 0, total = 0;
        var totals = new long[k];
        for (var i = 0; i < k; i++)
        {
            totals[i] = reference[i] + current[i];
            total += totals[i];
            n += current[i];
        }
        if (n == 0 || n == total) return double.NaN;
        var random = new Random(seed);
        var tree = new long[k + 1];
        var drawn = new long[k];
        var p = new double[k];
        var q = new double[k];
        var atLeast = 0;
        for (var b = 0; b < PermutationReplicates; b++)
        {
            Fenwick.Build(tree, totals);
            Array.Clear(drawn);
            var left = total;
            for (var j = 0L; j < n; j++, left--)
            {
                var i = Fenwick.Find(tree, random.NextInt64(left));
                drawn[i]++;
                Fenwick.Add(tree, i, -1);
            }
            for (var i = 0; i < k; i++)
            {
                p[i] = totals[i] - drawn[i];
                q[i] = drawn[i];
            }
            if (JensenShannon(p, q) >= observed - 1e-12 && ++atLeast == PermutationStopAt) return (double)atLeast / (b + 1);
        }
        return (1.0 + atLeast) / (PermutationReplicates + 1);
    }

    /// <summary>A Fenwick (binary indexed) tree over counts: prefix sums, and the category holding the u-th of the remaining values.</summary>
    private static class Fenwick
    {
        public static void Build(long[] tree, long[] counts)
        {
            Array.Clear(tree);
            for (var i = 0; i < counts.Length; i++)
            {
                tree[i + 1] += counts[i];
                var parent = i + 1 + ((i + 1) & -(i + 1));
                if (parent < tree.Length) tree[parent] += tree[i + 1];
            }
        }

        public static void Add(long[] tree, int i, long delta)
        {
            for (var x = i + 1; x < tree.Length; x += x & -x) tree[x] += delta;
        }

        /// <summary>The category whose cumulative range holds <paramref name="u"/> (0-based among the remaining values).</summary>
        public static int Find(long[] tree, long u)
        {
            var position = 0;
            for (var step = HighestPowerOfTwo(tree.Length - 1); step > 0; step >>= 1)
            {
                if (position + step < tree.Length && tree[position + step] <= u)
                {
                    position += step;
                    u -= tree[position];
                }
            }
            return position;
        }

        private static int HighestPowerOfTwo(int n) => n <= 0 ? 0 : 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)n));
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
