using System.Text.Json;
using Keel.Core.Search;
using Keel.Search.Samplers;

namespace Keel.Search.Tests;

/// <summary>Keel's default TPE against Optuna 3.1's TPESampler(seed) bit for bit: numpy's RandomState, the arithmetic under Optuna's
/// TPE, and the trials it proposes (fixture written by bench/search/optuna_stream_fixture.py).</summary>
public sealed class OptunaStreamTests
{
    internal static readonly JsonElement Root = FixtureFile.Root("optuna_stream.json");

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    [Fact]
    public void NumpyRandomState_Seeds_DrawAsNumpy()
    {
        foreach (var c in Root.GetProperty("random").EnumerateArray())
        {
            var rng = new NumpyRandomState(c.GetProperty("seed").GetUInt32());
            Assert.Equal(Doubles(c.GetProperty("random_sample")), Enumerable.Range(0, 8).Select(_ => rng.RandomSample()));
            Assert.Equal(Doubles(c.GetProperty("uniform")), Enumerable.Range(0, 4).Select(_ => rng.Uniform(-3.0, 5.0)));
            Assert.Equal(c.GetProperty("choice").EnumerateArray().Select(x => x.GetInt32()), rng.Choice(Doubles(c.GetProperty("choice_p")), 16));
            rng.Skip(700);
            Assert.Equal(Doubles(c.GetProperty("after_700")), Enumerable.Range(0, 3).Select(_ => rng.RandomSample()));
        }
    }

    [Theory]
    [InlineData("erf")]
    [InlineData("erfc")]
    [InlineData("optuna_erf")]
    [InlineData("log1p")]
    public void OptunaNumerics_Function_MatchesPythonBitForBit(string name)
    {
        Func<double, double> f = name switch
        {
            "erf" => OptunaNumerics.Erf,
            "erfc" => OptunaNumerics.Erfc,
            "optuna_erf" => OptunaNumerics.OptunaErf,
            _ => OptunaNumerics.Log1p,
        };
        foreach (var pair in Root.GetProperty("numerics").GetProperty(name).EnumerateArray())
        {
            var (x, expected) = (pair[0].GetDouble(), pair[1].GetDouble());
            Assert.True(BitConverter.DoubleToInt64Bits(f(x)) == BitConverter.DoubleToInt64Bits(expected), $"{name}({x:R}) = {f(x):R}, Python {expected:R}");
        }
    }

    [Fact]
    public void OptunaNumerics_ArgsortWithTies_OrdersAsNumpy()
    {
        foreach (var c in Root.GetProperty("numerics").GetProperty("argsort").EnumerateArray())
            Assert.Equal(c.GetProperty("order").EnumerateArray().Select(x => x.GetInt32()), OptunaNumerics.Argsort(Doubles(c.GetProperty("values"))));
    }

    [Fact]
    public void OptunaNumerics_HeapSortWithTies_OrdersAsNumpy()
    {
        // numpy's introsort falls back to this heapsort past its depth limit.
        foreach (var c in Root.GetProperty("numerics").GetProperty("argsort").EnumerateArray())
        {
            var values = Doubles(c.GetProperty("values"));
            var idx = Enumerable.Range(0, values.Length).ToArray();

            OptunaNumerics.HeapSort(values, idx, 0, values.Length);

            Assert.Equal(c.GetProperty("heapsort").EnumerateArray().Select(x => x.GetInt32()), idx);
        }
    }

    [Fact]
    public void OptunaNumerics_TruncatedNormal_MatchesOptunaBitForBit()
    {
        foreach (var c in Root.GetProperty("numerics").GetProperty("truncnorm").EnumerateArray())
        {
            double q = c.GetProperty("q").GetDouble(), a = c.GetProperty("a").GetDouble(), b = c.GetProperty("b").GetDouble();
            Assert.Equal(c.GetProperty("ppf").GetDouble(), OptunaNumerics.Ppf(q, a, b));
            Assert.Equal(c.GetProperty("log_mass").GetDouble(), OptunaNumerics.LogGaussMass(a, b));
        }
    }

    internal static readonly Dictionary<string, SearchSpace> Spaces = new()
    {
        ["mixed"] = new SearchSpace([
            new ParamSpec("x", new FloatDistribution(-5, 5)),
            new ParamSpec("lr", new FloatDistribution(1e-4, 1, Log: true)),
            new ParamSpec("leaves", new IntDistribution(2, 256, Log: true)),
            new ParamSpec("booster", new CategoricalDistribution(["gbdt", "dart", "goss"])),
            new ParamSpec("drop", new FloatDistribution(0, 0.5)) { When = ("booster", "dart") },
        ]),
        ["gbmlike"] = new SearchSpace([
            new ParamSpec("lr", new FloatDistribution(1e-3, 1, Log: true)),
            new ParamSpec("depth", new IntDistribution(2, 12)),
            new ParamSpec("min_child", new IntDistribution(1, 100, Log: true)),
            new ParamSpec("subsample", new FloatDistribution(0.5, 1)),
            new ParamSpec("colsample", new FloatDistribution(0.3, 1)),
            new ParamSpec("booster", new CategoricalDistribution(["gbtree", "dart", "gblinear"])),
            new ParamSpec("rate_drop", new FloatDistribution(0, 0.5)) { When = ("booster", "dart") },
            new ParamSpec("alpha", new FloatDistribution(1e-3, 10, Log: true)) { When = ("booster", "gblinear") },
        ]),
        ["catheavy"] = new SearchSpace([
            new ParamSpec("a", new CategoricalDistribution(["p", "q", "r", "s"])),
            new ParamSpec("b", new CategoricalDistribution(["u", "v", "w"])),
            new ParamSpec("depth", new IntDistribution(1, 10)),
            new ParamSpec("lr", new FloatDistribution(1e-3, 1, Log: true)),
            new ParamSpec("kind", new CategoricalDistribution(["lin", "tree", "knn"])),
            new ParamSpec("leaves", new IntDistribution(2, 128, Log: true)) { When = ("kind", "tree") },
            new ParamSpec("k", new FloatDistribution(0, 1)) { When = ("kind", "knn") },
        ]),
    };

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(0, true)]
    public void TpeSampler_DefaultOptions_ProposesOptunasTrials(int index, bool constantLiar)
    {
        // With the constant liar too: one after another no other trial runs, so the lie changes nothing.
        var c = Root.GetProperty("tpe")[index];
        var space = Spaces[c.GetProperty("objective").GetString()!];
        var sampler = SamplerFactory.Tpe(new TpeSamplerOptions { Seed = c.GetProperty("seed").GetInt32(), ConstantLiar = constantLiar });
        var history = new List<TrialRecord>();
        foreach (var t in c.GetProperty("trials").EnumerateArray())
        {
            var expected = t.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());

            var proposed = Sampling.SampleAll(sampler, space, history.Count, history, Direction.Minimize);

            Assert.Equal(expected.OrderBy(kv => kv.Key), proposed.OrderBy(kv => kv.Key));
            history.Add(new TrialRecord(history.Count, 1, TrialState.Complete, "g", proposed) { Value = t.GetProperty("value").GetDouble() });
        }
    }

    [Fact]
    public void TpeSampler_EnqueuedTrials_GivenValuesTakeNoDrawsAndTheRestAreOptunas()
    {
        // study.enqueue_trial: trial 0 given whole (a start-up trial), trial 12 only its booster (its conditional drop sampled by
        // TPE), trial 13 two of its numbers; every other trial and parameter is drawn as Optuna draws it.
        var c = Root.GetProperty("tpe")[2];
        var space = Spaces["mixed"];
        var sampler = SamplerFactory.Tpe(new TpeSamplerOptions { Seed = c.GetProperty("seed").GetInt32() });
        var trials = c.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())).ToArray();
        var enqueued = c.GetProperty("enqueued").EnumerateObject().ToDictionary(e => int.Parse(e.Name, System.Globalization.CultureInfo.InvariantCulture),
            e => (IReadOnlyDictionary<string, double>)e.Value.EnumerateArray().ToDictionary(n => n.GetString()!, n => trials[int.Parse(e.Name, System.Globalization.CultureInfo.InvariantCulture)][n.GetString()!]));
        Assert.Equal([0, 12, 13], enqueued.Keys.Order());
        var history = new List<TrialRecord>();
        foreach (var t in c.GetProperty("trials").EnumerateArray())
        {
            var proposed = Sampling.SampleAll(sampler, space, history.Count, history, Direction.Minimize, enqueued);

            Assert.Equal(trials[history.Count].OrderBy(kv => kv.Key), proposed.OrderBy(kv => kv.Key));
            history.Add(new TrialRecord(history.Count, 1, TrialState.Complete, "g", proposed) { Value = t.GetProperty("value").GetDouble() });
        }
        // Without the enqueued trials' given values taking no draws, the trials after them would differ.
        var unaware = new List<TrialRecord>();
        var differs = false;
        for (var n = 0; n < trials.Length; n++)
        {
            var proposed = n is 0 or 12 or 13 ? trials[n] : Sampling.SampleAll(SamplerFactory.Tpe(new TpeSamplerOptions { Seed = 7 }), space, n, unaware, Direction.Minimize);
            differs |= !proposed.OrderBy(kv => kv.Key).SequenceEqual(trials[n].OrderBy(kv => kv.Key));
            unaware.Add(new TrialRecord(n, 1, TrialState.Complete, "g", proposed) { Value = history[n].Value });
        }
        Assert.True(differs);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void TpeSampler_SeveralObjectives_ProposesOptunasMultiObjectiveTrials(int index)
    {
        // Optuna 3.1's TPESampler on a study with several directions: the good side by non-domination rank and hypervolume subset
        // selection, weighed by hypervolume contribution. Case 3: two objectives, the second an integer with many ties; case 4:
        // three, one maximised.
        var c = Root.GetProperty("tpe")[index];
        var space = Spaces[c.GetProperty("objective").GetString()!];
        var directions = c.GetProperty("directions").EnumerateArray().Select(d => d.GetString() == "maximize" ? Direction.Maximize : Direction.Minimize).ToArray();
        var sampler = SamplerFactory.Tpe(new TpeSamplerOptions { Seed = c.GetProperty("seed").GetInt32() });
        var history = new List<TrialRecord>();
        foreach (var t in c.GetProperty("trials").EnumerateArray())
        {
            var expected = t.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());

            var proposed = Sampling.SampleAll(sampler, space, history.Count, history, Direction.Minimize, directions: directions);

            Assert.Equal(expected.OrderBy(kv => kv.Key), proposed.OrderBy(kv => kv.Key));
            var values = t.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            history.Add(new TrialRecord(history.Count, 1, TrialState.Complete, "g", proposed) { Value = values[0], Values = values });
        }
        // Read as one objective (the first), the same history proposes another trial: the front, not the first objective, led.
        var single = Sampling.SampleAll(sampler, space, history.Count, history, directions[0]);
        var multi = Sampling.SampleAll(sampler, space, history.Count, history, directions[0], directions: directions);
        Assert.NotEqual(single.OrderBy(kv => kv.Key), multi.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void MultiObjective_HypervolumeRanksSubsetAndWeights_AreOptunas()
    {
        // 24 random loss sets in 2 to 4 objectives, a quarter rounded so values tie (Optuna 3.1's WFG, non-domination ranks,
        // greedy subset selection, the good/bad split and the contribution weights, computed by the fixture script).
        foreach (var c in Root.GetProperty("multi_objective").EnumerateArray())
        {
            var points = c.GetProperty("points").EnumerateArray().Select(p => p.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            var reference = Doubles(c.GetProperty("reference"));
            int[] Ints(string name) => c.GetProperty(name).EnumerateArray().Select(v => v.GetInt32()).ToArray();

            Assert.Equal(c.GetProperty("hypervolume").GetDouble(), OptunaMultiObjective.Hypervolume(points, reference), 1e-9 * Math.Abs(c.GetProperty("hypervolume").GetDouble()));
            var ranks = OptunaMultiObjective.NondominationRanks(points);
            Assert.Equal(Ints("ranks"), ranks);
            var lastRank = Ints("below").Select(i => ranks[i]).DefaultIfEmpty(0).Max();
            var members = Enumerable.Range(0, points.Length).Where(i => ranks[i] == lastRank).ToArray();
            var picked = OptunaMultiObjective.GreedySubset(members.Select(i => points[i]).ToArray(), c.GetProperty("hssp_size").GetInt32(), reference);
            Assert.Equal(Ints("hssp"), picked.Select(k => members[k]));
            var (below, above) = OptunaMultiObjective.Split(points, c.GetProperty("n_below").GetInt32());
            Assert.Equal(Ints("below"), below);
            Assert.Equal(Ints("above"), above);
            var weights = OptunaMultiObjective.BelowWeights(below.Select(i => points[i]).ToArray());
            Assert.Equal(Doubles(c.GetProperty("below_weights")), weights, (a, b) => Math.Abs(a - b) <= 1e-9);
        }
    }

    [Fact]
    public void MultiObjective_PointBeyondTheReference_Refused()
    {
        Assert.Throws<ArgumentException>(() => OptunaMultiObjective.Hypervolume([[1.0, 2.0], [3.0, 0.5]], [2.0, 2.0]));
        // Two 2 × 1 rectangles overlapping in a unit square; three 2 × 1 × 1 boxes overlapping pairwise and all three in one unit cube.
        Assert.Equal(3.0, OptunaMultiObjective.Hypervolume([[0.0, 1.0], [1.0, 0.0]], [2.0, 2.0]));
        Assert.Equal(3 * 2 - 3 * 1 + 1, OptunaMultiObjective.Hypervolume([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]], [2.0, 2.0, 2.0]));
    }

    [Fact]
    public void TpeSampler_Maximize_ProposesAsMinimizingTheNegatedValue()
    {
        var c = Root.GetProperty("tpe")[0];
        var space = Spaces["mixed"];
        var history = c.GetProperty("trials").EnumerateArray().Take(30).Select((t, i) => new TrialRecord(i, 1, TrialState.Complete, "g",
            t.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())) { Value = t.GetProperty("value").GetDouble() }).ToList();
        var negated = history.Select(t => t with { Value = -t.Value }).ToList();

        var minimised = Sampling.SampleAll(SamplerFactory.Tpe(new TpeSamplerOptions { Seed = 0 }), space, 30, history, Direction.Minimize);
        var maximised = Sampling.SampleAll(SamplerFactory.Tpe(new TpeSamplerOptions { Seed = 0 }), space, 30, negated, Direction.Maximize);

        Assert.Equal(minimised, maximised);
    }

    [Fact]
    public void TpeSampler_SingleValuedParameter_TakesNoDraws()
    {
        // Optuna never asks its sampler for a parameter with one possible value: the others draw as if it were not there.
        var plain = Spaces["mixed"];
        var withFixed = new SearchSpace([plain.Params[0], new ParamSpec("fixed", new FloatDistribution(2, 2)),
            new ParamSpec("one", new CategoricalDistribution(["only"])), .. plain.Params.Skip(1)]);
        List<TrialRecord> a = [], b = [];
        for (var n = 0; n < 14; n++)
        {
            var pa = Sampling.SampleAll(SamplerFactory.Tpe(new TpeSamplerOptions { Seed = 5 }), plain, n, a, Direction.Minimize);
            var pb = Sampling.SampleAll(SamplerFactory.Tpe(new TpeSamplerOptions { Seed = 5 }), withFixed, n, b, Direction.Minimize);

            Assert.Equal(pa.OrderBy(kv => kv.Key), pb.Where(kv => kv.Key is not ("fixed" or "one")).OrderBy(kv => kv.Key));
            Assert.Equal((2.0, 0.0), (pb["fixed"], pb["one"]));
            a.Add(new TrialRecord(n, 1, TrialState.Complete, "g", pa) { Value = pa["x"] * pa["x"] });
            b.Add(new TrialRecord(n, 1, TrialState.Complete, "g", pb) { Value = pb["x"] * pb["x"] });
        }
    }

    [Fact]
    public void TpeSampler_EarlierTrialNotYetSampled_DrawsItsOwnStream()
    {
        // Two workers claim trials 0 and 1 at once: trial 1 sees trial 0 without parameters and must not repeat its draws.
        var space = Spaces["mixed"];
        var sampler = SamplerFactory.Tpe(new TpeSamplerOptions { Seed = 3 });
        var first = Sampling.SampleAll(sampler, space, 0, [], Direction.Minimize);
        var pending = new TrialRecord(0, 1, TrialState.Running, "g", new Dictionary<string, double>());

        var second = Sampling.SampleAll(sampler, space, 1, [pending], Direction.Minimize);
        var again = Sampling.SampleAll(sampler, space, 1, [pending], Direction.Minimize);

        Assert.NotEqual(first["x"], second["x"]);
        Assert.Equal(second, again);
    }
}
