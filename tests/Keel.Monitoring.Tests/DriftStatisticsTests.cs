using System.Text.Json;
using Keel.Monitoring.Drift;

namespace Keel.Monitoring.Tests;

/// <summary>Drift statistics against SciPy/NumPy figures from Fixtures/make_drift_fixtures.py (1e-9 relative).</summary>
public sealed class DriftStatisticsTests
{
    private static readonly JsonElement Fixtures =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "drift_fixtures.json"))).RootElement;

    private static void Close(double expected, double actual, string what)
    {
        var tolerance = 1e-9 * Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(Math.Abs(expected - actual) <= tolerance || expected == actual, $"{what}: expected {expected:R}, got {actual:R}");
    }

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    [Fact]
    public void KolmogorovSf_EveryBranch_EqualsScipyKstwo()
    {
        foreach (var p in Fixtures.GetProperty("kstwo").EnumerateArray())
        {
            var n = p.GetProperty("n").GetInt32();
            var d = p.GetProperty("d").GetDouble();
            Close(p.GetProperty("sf").GetDouble(), KolmogorovDistribution.Sf(n, d), $"kstwo.sf({d:R}, {n})");
        }
    }

    [Fact]
    public void NumericStatistics_FixtureSamples_EqualScipy()
    {
        foreach (var c in Fixtures.GetProperty("numeric").EnumerateArray())
        {
            var name = c.GetProperty("name").GetString();
            var r = Doubles(c.GetProperty("reference"));
            var x = Doubles(c.GetProperty("current"));
            Array.Sort(r);
            Array.Sort(x);
            var (ks, w) = TwoSample.KsAndWasserstein(r, x);
            Close(c.GetProperty("ks_statistic").GetDouble(), ks.Statistic, $"{name} ks");
            Close(c.GetProperty("ks_pvalue").GetDouble(), ks.PValue, $"{name} ks p");
            Close(c.GetProperty("wasserstein").GetDouble(), w, $"{name} wasserstein");
            var edges = Psi.Edges(r);
            Assert.Equal(Doubles(c.GetProperty("edges")), edges);
            Close(c.GetProperty("psi").GetDouble(), Psi.Index(Psi.Proportions(r, edges), Psi.Proportions(x, edges)), $"{name} psi");
        }
    }

    [Fact]
    public void CategoricalStatistics_FixtureCounts_EqualScipy()
    {
        foreach (var c in Fixtures.GetProperty("categorical").EnumerateArray())
        {
            var name = c.GetProperty("name").GetString();
            var r = c.GetProperty("reference").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            var x = c.GetProperty("current").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            var chi = CategoricalStatistics.ChiSquare(r, x);
            Close(c.GetProperty("chi2").GetDouble(), chi.Statistic, $"{name} chi2");
            Close(c.GetProperty("chi2_pvalue").GetDouble(), chi.PValue, $"{name} chi2 p");
            Assert.Equal(c.GetProperty("dof").GetInt32(), chi.DegreesOfFreedom);
            var rp = CategoricalStatistics.Proportions(r);
            var xp = CategoricalStatistics.Proportions(x);
            Close(c.GetProperty("js_distance").GetDouble(), CategoricalStatistics.JensenShannon(rp, xp), $"{name} js");
            Close(c.GetProperty("psi").GetDouble(), Psi.Index(rp, xp), $"{name} psi");
        }
    }
    [Fact]
    public void JensenShannonPValue_FilledCells_CloseToTheChiSquareTest()
    {
        long[] reference = [3000, 2000, 1000], shifted = [280, 205, 115], same = [300, 200, 100];
        double Js(long[] r, long[] c) => CategoricalStatistics.JensenShannon(CategoricalStatistics.Proportions(r), CategoricalStatistics.Proportions(c));

        var p = CategoricalStatistics.JensenShannonPValue(reference, shifted, Js(reference, shifted));
        var chi = CategoricalStatistics.ChiSquare(reference, shifted).PValue;

        Assert.InRange(chi, 0.05, 0.3); // a shift the asymptotic test finds borderline
        Assert.InRange(p, chi - 0.06, chi + 0.06);
        Assert.Equal(p, CategoricalStatistics.JensenShannonPValue(reference, shifted, Js(reference, shifted)));
        Assert.Equal(1.0, CategoricalStatistics.JensenShannonPValue(reference, same, Js(reference, same)));
        Assert.Equal(1.0 / (CategoricalStatistics.PermutationReplicates + 1),
            CategoricalStatistics.JensenShannonPValue(reference, [100, 200, 300], Js(reference, [100, 200, 300])));
        Assert.True(double.IsNaN(CategoricalStatistics.JensenShannonPValue(reference, [0, 0, 0], 0)));
    }
}
