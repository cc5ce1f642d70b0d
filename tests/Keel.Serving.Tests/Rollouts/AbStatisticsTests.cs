using System.Text.Json;
using Keel.Serving.Rollouts;

namespace Keel.Serving.Tests.Rollouts;

/// <summary>A/B figures against SciPy (Fixtures/ab_fixtures.json, written by Fixtures/make_ab_fixtures.py with SciPy 1.10.1).</summary>
public sealed class AbStatisticsTests
{
    private static readonly JsonElement Fixtures = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "ab_fixtures.json"))).RootElement;

    private static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    private static void Close(double expected, double actual, double tolerance = 1e-9) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    private static ArmSummary Summarise(IEnumerable<double> xs)
    {
        var t = new OutcomeTally();
        foreach (var x in xs) t.Add(x);
        return t.Summary();
    }

    [Fact]
    public void Welch_Fixtures_EqualToScipy()
    {
        foreach (var c in Fixtures.GetProperty("welch").EnumerateArray())
        {
            var a = Summarise(c.GetProperty("champion").EnumerateArray().Select(e => e.GetDouble()));
            var b = Summarise(c.GetProperty("challenger").EnumerateArray().Select(e => e.GetDouble()));
            var v = AbStatistics.Welch(a, b, D(c, "alpha"));
            Close(D(c, "difference"), v.Difference);
            Close(D(c, "t"), v.Statistic);
            Close(D(c, "df"), v.DegreesOfFreedom);
            Close(D(c, "p"), v.PValue, 1e-7);
            Close(D(c, "low"), v.Low, 1e-7);
            Close(D(c, "high"), v.High, 1e-7);
        }
    }

    [Fact]
    public void TwoProportion_Fixtures_EqualToScipy()
    {
        foreach (var c in Fixtures.GetProperty("proportions").EnumerateArray())
        {
            var a = Summarise(Enumerable.Repeat(1.0, c.GetProperty("x1").GetInt32()).Concat(Enumerable.Repeat(0.0, c.GetProperty("n1").GetInt32() - c.GetProperty("x1").GetInt32())));
            var b = Summarise(Enumerable.Repeat(1.0, c.GetProperty("x2").GetInt32()).Concat(Enumerable.Repeat(0.0, c.GetProperty("n2").GetInt32() - c.GetProperty("x2").GetInt32())));
            var v = AbStatistics.TwoProportion(a, b, D(c, "alpha"));
            Close(D(c, "difference"), v.Difference);
            Close(D(c, "z"), v.Statistic);
            Close(D(c, "p"), v.PValue, 1e-9);
            Close(D(c, "low"), v.Low, 1e-8);
            Close(D(c, "high"), v.High, 1e-8);
        }
    }

    [Fact]
    public void SampleSize_Fixtures_EqualToScipy()
    {
        foreach (var c in Fixtures.GetProperty("sample_size_binary").EnumerateArray())
            Assert.Equal(c.GetProperty("n").GetInt64(), AbStatistics.SampleSizeBinary(D(c, "baseline"), D(c, "effect"), D(c, "alpha"), D(c, "power")));
        foreach (var c in Fixtures.GetProperty("sample_size_numeric").EnumerateArray())
            Assert.Equal(c.GetProperty("n").GetInt64(), AbStatistics.SampleSizeNumeric(D(c, "sd"), D(c, "effect"), D(c, "alpha"), D(c, "power")));
    }
}
