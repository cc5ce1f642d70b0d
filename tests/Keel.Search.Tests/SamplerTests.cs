using Keel.Core.Search;
using Keel.Search.Samplers;

namespace Keel.Search.Tests;

public sealed class SamplerTests
{
    /// <summary>The mixed space of bench/search (a float, a log float, a log integer, a categorical and a conditional float).</summary>
    internal static readonly SearchSpace Space = new([
        new ParamSpec("x", new FloatDistribution(-5, 5)),
        new ParamSpec("lr", new FloatDistribution(1e-4, 1, Log: true)),
        new ParamSpec("leaves", new IntDistribution(2, 256, Log: true)),
        new ParamSpec("booster", new CategoricalDistribution(["gbdt", "dart", "goss"])),
        new ParamSpec("drop", new FloatDistribution(0, 0.5)) { When = ("booster", "dart") },
    ]);

    /// <summary>A cheap objective with its minimum 0 at x = 1.5, lr = 0.01, leaves = 31, booster = goss.</summary>
    internal static double Objective(IReadOnlyDictionary<string, double> p) =>
        Math.Pow(p["x"] - 1.5, 2) + Math.Pow(Math.Log10(p["lr"]) + 2, 2) + Math.Pow(Math.Log2(p["leaves"] / 31), 2) / 4 + (p["booster"] == 2 ? 0 : 1);

    internal static double Best(ISampler sampler, int trials)
    {
        var history = new List<TrialRecord>();
        for (var i = 0; i < trials; i++)
        {
            var p = Sampling.SampleAll(sampler, Space, i, history, Direction.Minimize);
            history.Add(new TrialRecord(i, 1, TrialState.Complete, "g", p) { Value = Objective(p) });
        }
        return history.Min(t => t.Value!.Value);
    }

    private static IReadOnlyDictionary<string, double>[] Draws(ISampler sampler) =>
        Enumerable.Range(0, 20).Select(i => Sampling.SampleAll(sampler, Space, i, [], Direction.Minimize)).ToArray();

    [Fact]
    public void RandomSampler_SameSeed_SameDrawsWithinBounds()
    {
        var a = Draws(SamplerFactory.Random(new() { Seed = 7 }));
        var b = Draws(SamplerFactory.Random(new() { Seed = 7 }));
        var c = Draws(SamplerFactory.Random(new() { Seed = 8 }));
        Assert.Equal(a.Select(d => d.OrderBy(kv => kv.Key).ToArray()), b.Select(d => d.OrderBy(kv => kv.Key).ToArray()));
        Assert.NotEqual(a.Select(d => d["x"]), c.Select(d => d["x"]));
        Assert.All(a, d =>
        {
            foreach (var p in Space.Params.Where(p => d.ContainsKey(p.Name))) Assert.True(p.Distribution.Contains(d[p.Name]), $"{p.Name} = {d[p.Name]}");
            Assert.Equal(d["booster"] == 1, d.ContainsKey("drop"));
        });
    }

    [Fact]
    public void TpeSampler_SameSeed_SameSearch() =>
        Assert.Equal(Best(SamplerFactory.Tpe(new() { Seed = 3 }), 40), Best(SamplerFactory.Tpe(new() { Seed = 3 }), 40));

    [Fact]
    public void TpeSampler_EqualBudget_BeatsRandomOnAverageOverSeeds()
    {
        // 60 trials, 5 seeds: TPE's mean best value is well below random's (figures beside Optuna in bench/search).
        var tpe = Enumerable.Range(0, 5).Select(s => Best(SamplerFactory.Tpe(new() { Seed = s }), 60)).Average();
        var random = Enumerable.Range(0, 5).Select(s => Best(SamplerFactory.Random(new() { Seed = s }), 60)).Average();
        Assert.True(tpe < random * 0.7, $"TPE {tpe} vs random {random}");
    }

    [Fact]
    public void TpeSampler_Multivariate_SameSeedSameSearchAndBeatsRandom()
    {
        // The mixed space's conditional float stays independent; the four shared parameters are drawn together.
        var mv = Enumerable.Range(0, 5).Select(s => Best(SamplerFactory.Tpe(new() { Seed = s, Multivariate = true }), 60)).ToArray();
        var random = Enumerable.Range(0, 5).Select(s => Best(SamplerFactory.Random(new() { Seed = s }), 60)).Average();
        Assert.Equal(mv[3], Best(SamplerFactory.Tpe(new() { Seed = 3, Multivariate = true }), 60));
        Assert.True(mv.Average() < random * 0.7, $"multivariate TPE {mv.Average()} vs random {random}");
    }

    [Fact]
    public void GridSampler_TwoParams_EveryCombinationOnce()
    {
        var space = new SearchSpace([new ParamSpec("a", new CategoricalDistribution(["p", "q"])), new ParamSpec("b", new IntDistribution(1, 3))]);
        var grid = SamplerFactory.Grid(new() { PointsPerNumeric = 3 });
        Assert.Equal(6, SamplerFactory.GridSize(space, new() { PointsPerNumeric = 3 }));
        var combos = Enumerable.Range(0, 6).Select(i => Sampling.SampleAll(grid, space, i, [], Direction.Minimize)).Select(d => (d["a"], d["b"])).ToArray();
        Assert.Equal([(0.0, 1.0), (0.0, 2.0), (0.0, 3.0), (1.0, 1.0), (1.0, 2.0), (1.0, 3.0)], combos);
    }

    [Fact]
    public void GridSampler_LogFloat_GeometricMiddle()
    {
        var points = Sampling.SampleAll(SamplerFactory.Grid(new() { PointsPerNumeric = 3 }),
            new SearchSpace([new ParamSpec("lr", new FloatDistribution(0.001, 0.1, Log: true))]), 1, [], Direction.Minimize);
        Assert.Equal(0.01, points["lr"], 12);
    }

    [Fact]
    public void SearchSpace_ConditionOnLaterParam_RejectedNamingParam()
    {
        var space = new SearchSpace([new ParamSpec("drop", new FloatDistribution(0, 1)) { When = ("booster", "dart") }, new ParamSpec("booster", new CategoricalDistribution(["dart"]))]);
        var e = Assert.Throws<ArgumentException>(space.Validate);
        Assert.Contains("drop", e.Message);
    }

    [Theory]
    // scipy.stats.norm.cdf / norm.ppf (SciPy, /usr/bin/python3) at these points.
    [InlineData(-3, 0.0013498980316300933)]
    [InlineData(-1.5, 0.06680720126885807)]
    [InlineData(0, 0.5)]
    [InlineData(0.7, 0.758036347776927)]
    [InlineData(2.5, 0.9937903346742238)]
    public void NormalCdf_ScipyValues_Match(double z, double expected) => Assert.Equal(expected, Normal.Cdf(z), 1e-7);

    [Theory]
    [InlineData(1e-6, -4.753424308822899)]
    [InlineData(0.01, -2.3263478740408408)]
    [InlineData(0.3, -0.5244005127080409)]
    [InlineData(0.5, 0)]
    [InlineData(0.975, 1.959963984540054)]
    public void NormalInverseCdf_ScipyValues_Match(double p, double expected) => Assert.Equal(expected, Normal.InverseCdf(p), 1e-6);

    private static readonly Direction[] Both = [Direction.Minimize, Direction.Minimize];

    /// <summary>The hypervolume against (1.1, 1.1) of the trials <paramref name="sampler"/> proposes in <paramref name="trials"/> steps on a
    /// ZDT1-like pair, f1 = x + (y − ½)², f2 = 1 − √x + (y − ½)², whose front is y = ½ with x anywhere in [0, 1]; the sampler sees
    /// <paramref name="directions"/> (null: the first objective alone).</summary>
    private static double ZdtFront(ISampler sampler, int trials, IReadOnlyList<Direction>? directions)
    {
        var space = new SearchSpace([new ParamSpec("x", new FloatDistribution(0, 1)), new ParamSpec("y", new FloatDistribution(0, 1))]);
        var history = new List<TrialRecord>();
        for (var n = 0; n < trials; n++)
        {
            var p = Sampling.SampleAll(sampler, space, n, history, Direction.Minimize, directions: directions);
            double[] f = [p["x"] + (p["y"] - 0.5) * (p["y"] - 0.5), 1 - Math.Sqrt(p["x"]) + (p["y"] - 0.5) * (p["y"] - 0.5)];
            history.Add(new TrialRecord(n, 1, TrialState.Complete, "g", p) { Value = f[0], Values = f });
        }
        return OptunaMultiObjective.Hypervolume(history.Select(t => t.Values!.ToArray()).Where(a => a[0] <= 1.1 && a[1] <= 1.1).ToArray(), [1.1, 1.1]);
    }

    [Fact]
    public void Tpe_SeveralObjectives_FindsABetterFrontThanChasingTheFirstObjective()
    {
        // On the ZDT1-like pair, chasing f1 alone piles the trials up at x = 0; searching for the front spreads them along it.
        // Hypervolume after 80 trials, seeds 0–4, for both TPEs (Optuna's independent one and the multivariate one) with and without
        // the objectives' directions.
        var seeds = Enumerable.Range(0, 5).ToArray();
        double[] Fronts(Func<int, ISampler> sampler, IReadOnlyList<Direction>? directions) => seeds.Select(s => ZdtFront(sampler(s), 80, directions)).ToArray();

        foreach (var multivariate in new[] { false, true })
        {
            ISampler Tpe(int seed) => SamplerFactory.Tpe(new TpeSamplerOptions { Seed = seed, Multivariate = multivariate });
            var both = Fronts(Tpe, Both);
            var first = Fronts(Tpe, null);
            var random = Fronts(s => SamplerFactory.Random(new RandomSamplerOptions { Seed = s }), null);

            Assert.True(both.Zip(first).All(p => p.First > p.Second), $"multivariate {multivariate}: front {string.Join(", ", both)}; first objective {string.Join(", ", first)}");
            Assert.True(both.Zip(random).All(p => p.First > p.Second), $"multivariate {multivariate}: front {string.Join(", ", both)}; random {string.Join(", ", random)}");
        }
    }

    [Fact]
    public void Nsga2_SeveralObjectives_FindsABetterFrontThanRandomSearch()
    {
        // The ZDT1-like pair, 100 trials in generations of 10 (the first random), seeds 0–9: NSGA-II's children of the elite
        // crowd the front, so its hypervolume beats random search's (the same budget) on every seed.
        var seeds = Enumerable.Range(0, 10).ToArray();

        var nsga2 = seeds.Select(s => ZdtFront(SamplerFactory.Nsga2(new Nsga2SamplerOptions { Seed = s, PopulationSize = 10 }), 100, Both)).ToArray();
        var random = seeds.Select(s => ZdtFront(SamplerFactory.Random(new RandomSamplerOptions { Seed = s }), 100, Both)).ToArray();

        Assert.True(nsga2.Zip(random).All(p => p.First > p.Second), $"nsga2 {string.Join(", ", nsga2)}; random {string.Join(", ", random)}");
    }
}
