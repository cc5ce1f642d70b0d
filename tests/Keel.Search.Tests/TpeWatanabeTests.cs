using System.Text.Json;
using Keel.Core.Search;
using Keel.Search.Samplers;

namespace Keel.Search.Tests;

/// <summary>The TPE components of Watanabe (2023), in the two combinations round 5 of bench/search tried furthest (W4 and R), against
/// a numpy/scipy computation written independently of Keel (bench/search/tpe_watanabe_fixture.py).</summary>
public sealed class TpeWatanabeTests
{
    /// <summary>Round 5's W4: sqrt split, a fixed 3 % smallest width, Aitchison-Aitken categoricals.</summary>
    private static TpeSamplerOptions W4(int seed) => TpeSamplerOptions.Watanabe2023(seed) with
    {
        Gamma = TpeGamma.Sqrt, GammaBeta = 0.25, MinBandwidthFactor = 0.03, MagicClipExponent = double.PositiveInfinity, CategoricalPriorWeight = 0.2,
    };

    private static readonly SearchSpace Hartmann6 = new(Enumerable.Range(0, 6).Select(i => new ParamSpec($"x{i}", new FloatDistribution(0, 1))).ToArray());

    private static JsonDocument Fixture(string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)));

    [Theory]
    [InlineData("r", "hartmann6-60")]
    [InlineData("r", "hartmann6-300")]
    [InlineData("r", "mixed-40")]
    [InlineData("r", "tight-30")]
    [InlineData("w4", "hartmann6-60")]
    [InlineData("w4", "hartmann6-300")]
    [InlineData("w4", "mixed-40")]
    [InlineData("w4", "tight-30")]
    public void TpeSampler_WatanabeFixedHistory_ScoresAsNumpy(string config, string name)
    {
        // Scott's rule, uniform weights, normalised densities, and the split, smallest width and categorical kernel of each
        // combination: the joint acquisition at 30 points equals numpy's (to 1e-5: Keel's erfc is good to 1.2e-7).
        using var source = Fixture("tpe_optuna31_scores.json");
        using var expected = Fixture("tpe_watanabe_scores.json");
        var fixture = expected.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var stored = fixture.TryGetProperty("history", out var own) ? own
            : source.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("history");
        var history = stored.EnumerateArray().Select((h, i) => new TrialRecord(i, 1, TrialState.Complete, "g",
                h.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()))
            { Value = h.GetProperty("value").GetDouble() }).ToList();
        var space = name.StartsWith("mixed", StringComparison.Ordinal) ? SamplerTests.Space : Hartmann6;
        var context = new SamplingContext(history.Count, space, history, Direction.Minimize, new Dictionary<string, double>());
        var points = fixture.GetProperty("points").EnumerateArray()
            .Select(p => (IReadOnlyDictionary<string, double>)p.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetDouble())).ToList();
        var numpy = fixture.GetProperty(config).EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var options = config == "r" ? TpeSamplerOptions.Watanabe2023(0) : W4(0);

        var keel = ((TpeSampler)SamplerFactory.Tpe(options)).JointScore(context, points);

        for (var i = 0; i < points.Count; i++) Assert.True(Math.Abs(keel[i] - numpy[i]) < 1e-5, $"point {i}: Keel {keel[i]}, numpy {numpy[i]}");
    }

    [Fact]
    public void Scott_KnownArrays_EqualsNumpy()
    {
        using var expected = Fixture("tpe_watanabe_scores.json");
        foreach (var c in expected.RootElement.GetProperty("scott").EnumerateArray())
        {
            var values = c.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();

            var keel = TpeSampler.Scott(values);

            Assert.Equal(c.GetProperty("bandwidth").GetDouble(), keel, 1e-12);
        }
    }

    [Theory]
    [InlineData(TpeGamma.Sqrt, 0.25, 10, 1)]
    [InlineData(TpeGamma.Sqrt, 0.25, 50, 2)]
    [InlineData(TpeGamma.Sqrt, 0.25, 100, 3)]
    [InlineData(TpeGamma.Sqrt, 0.25, 1_000_000, 25)]
    [InlineData(TpeGamma.Linear, 0.1, 10, 1)]
    [InlineData(TpeGamma.Linear, 0.1, 50, 5)]
    [InlineData(TpeGamma.Linear, 0.1, 1000, 25)]
    public void GoodCount_Split_IsCeilingCappedAt25(TpeGamma gamma, double beta, int n, int expected) =>
        Assert.Equal(expected, new TpeSampler(new TpeSamplerOptions { Gamma = gamma, GammaBeta = beta }).GoodCount(n));

    [Fact]
    public void TpeSampler_Watanabe2023SameSeed_SameSearch()
    {
        var a = SamplerTests.Best(SamplerFactory.Tpe(TpeSamplerOptions.Watanabe2023(3)), 40);
        var b = SamplerTests.Best(SamplerFactory.Tpe(TpeSamplerOptions.Watanabe2023(3)), 40);
        var c = SamplerTests.Best(SamplerFactory.Tpe(TpeSamplerOptions.Watanabe2023(4)), 40);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TpeSampler_Watanabe_DrawsInsideBoundsAndRespectsConditions(bool w4)
    {
        var history = new List<TrialRecord>();
        var sampler = SamplerFactory.Tpe(w4 ? W4(11) : TpeSamplerOptions.Watanabe2023(11));
        for (var i = 0; i < 40; i++)
        {
            var p = Sampling.SampleAll(sampler, SamplerTests.Space, i, history, Direction.Minimize);
            foreach (var q in SamplerTests.Space.Params.Where(q => p.ContainsKey(q.Name))) Assert.True(q.Distribution.Contains(p[q.Name]), $"{q.Name} = {p[q.Name]}");
            Assert.Equal(p["booster"] == 1, p.ContainsKey("drop"));
            history.Add(new TrialRecord(i, 1, TrialState.Complete, "g", p) { Value = SamplerTests.Objective(p) });
        }
    }
}
