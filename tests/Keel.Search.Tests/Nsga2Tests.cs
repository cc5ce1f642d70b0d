using System.Globalization;
using System.Text.Json;
using Keel.Core.Search;
using Keel.Search.Samplers;

namespace Keel.Search.Tests;

/// <summary>Keel's nsga2 sampler against Optuna 3.1's NSGAIISampler bit for bit (fixture written by bench/search/nsga2_fixture.py).</summary>
public sealed class Nsga2Tests
{
    internal static readonly JsonElement Root = FixtureFile.Root("optuna_nsga2.json");

    [Fact]
    public void NumpyRandomState_ChoiceOfN_DrawsAsNumpy()
    {
        foreach (var c in Root.GetProperty("choice").EnumerateArray())
        {
            var rng = new NumpyRandomState(c.GetProperty("seed").GetUInt32());
            var n = c.GetProperty("n").GetInt32();

            var picks = Enumerable.Range(0, 40).Select(_ => rng.Choice(n)).ToArray();

            Assert.Equal(c.GetProperty("picks").EnumerateArray().Select(x => x.GetInt32()), picks);
            Assert.Equal(c.GetProperty("after").EnumerateArray().Select(x => x.GetDouble()), [rng.RandomSample(), rng.RandomSample()]);
        }
    }

    internal sealed record Case(string Name, SearchSpace Space, Nsga2SamplerOptions Options, Direction[] Directions,
        Dictionary<int, IReadOnlyDictionary<string, double>> Enqueued, int[] Generations, TrialRecord[] Trials);

    internal static Case Read(int index)
    {
        var c = Root.GetProperty("nsga2")[index];
        var o = c.GetProperty("options");
        double? Opt(string name) => o.TryGetProperty(name, out var v) ? v.GetDouble() : null;
        var options = new Nsga2SamplerOptions
        {
            Seed = c.GetProperty("seed").GetInt32(),
            PopulationSize = o.GetProperty("population_size").GetInt32(),
            MutationProbability = Opt("mutation_prob"),
            CrossoverProbability = Opt("crossover_prob") ?? 0.9,
            SwappingProbability = Opt("swapping_prob") ?? 0.5,
        };
        var directions = c.GetProperty("directions").EnumerateArray().Select(d => d.GetString() == "maximize" ? Direction.Maximize : Direction.Minimize).ToArray();
        var trials = c.GetProperty("trials").EnumerateArray().Select((t, n) =>
        {
            var state = t.GetProperty("state").GetString() switch { "complete" => TrialState.Complete, "pruned" => TrialState.Pruned, var s => throw new InvalidDataException(s) };
            var values = t.TryGetProperty("values", out var vs) ? vs.EnumerateArray().Select(v => v.GetDouble()).ToArray() : null;
            var value = t.TryGetProperty("value", out var v1) ? v1.GetDouble() : values?[0];
            return new TrialRecord(n, 1, state, "g", t.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())) { Value = value, Values = values };
        }).ToArray();
        var enqueued = c.GetProperty("enqueued").EnumerateObject().ToDictionary(e => int.Parse(e.Name, CultureInfo.InvariantCulture),
            e => (IReadOnlyDictionary<string, double>)e.Value.EnumerateArray().ToDictionary(n => n.GetString()!, n => trials[int.Parse(e.Name, CultureInfo.InvariantCulture)].Params[n.GetString()!]));
        return new Case(c.GetProperty("name").GetString()!, OptunaStreamTests.Spaces[c.GetProperty("space").GetString()!], options, directions, enqueued,
            c.GetProperty("generations").EnumerateArray().Select(g => g.GetInt32()).ToArray(), trials);
    }

    private static IReadOnlyDictionary<string, double> Propose(ISampler sampler, Case c, IReadOnlyList<TrialRecord> history, int number) =>
        Sampling.SampleAll(sampler, c.Space, number, history, c.Directions[0], c.Enqueued, c.Directions.Length > 1 ? c.Directions : null);

    [Theory]
    [InlineData(0)] // two objectives, population 8, 64 trials (7 generations after the first)
    [InlineData(1)] // three objectives, one maximised, population 10
    [InlineData(2)] // one objective
    [InlineData(3)] // pruned trials: they belong to a generation but never to a population
    [InlineData(4)] // mutation 0.3, crossover 0.6, swapping 0.3, population 5
    [InlineData(5)] // enqueued trials (given values take no draws; the operators still run for them)
    public void Nsga2Sampler_OptunasStudy_ProposesOptunasTrials(int index)
    {
        var c = Read(index);
        var sampler = SamplerFactory.Nsga2(c.Options);
        var history = new List<TrialRecord>();
        foreach (var t in c.Trials)
        {
            var proposed = Propose(sampler, c, history, t.Number);

            Assert.True(t.Params.OrderBy(kv => kv.Key).SequenceEqual(proposed.OrderBy(kv => kv.Key)),
                $"{c.Name}, trial {t.Number} (generation {c.Generations[t.Number]}): Optuna {Show(t.Params)}, Keel {Show(proposed)}");
            history.Add(t);
        }
        Assert.True(c.Generations.Max() >= 6, $"{c.Name}: only {c.Generations.Max()} generations");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Nsga2Generations_OptunasStudy_AreOptunasGenerations(int index)
    {
        // Optuna stores each trial's generation (system attribute nsga2:generation); `keel studies show` shows Keel's.
        var c = Read(index);

        var generations = SamplerFactory.Nsga2Generations(c.Trials.Reverse(), c.Options.PopulationSize, c.Directions);

        Assert.Equal(c.Generations, c.Trials.Select(t => generations[t.Number]));
    }

    private static string Show(IReadOnlyDictionary<string, double> p) =>
        string.Join(", ", p.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value.ToString("R", CultureInfo.InvariantCulture)}"));

    [Fact]
    public void Nsga2Sampler_AfterTheFirstGeneration_InheritsFromTheElite()
    {
        // Past the first generation most parameters are a parent's: in the two-objective study, every trial after the first
        // generation shares most of its values exactly with some earlier complete trial, which random draws never do.
        var c = Read(0);
        var population = c.Options.PopulationSize;
        var later = c.Trials.Skip(population).ToArray();
        var inherited = later.Count(t => c.Trials.Take(t.Number).Any(e => e.State == TrialState.Complete
            && t.Params.Count(kv => e.Params.TryGetValue(kv.Key, out var v) && v == kv.Value) >= 2));
        Assert.True(inherited >= later.Length * 3 / 4, $"{inherited} of {later.Length}");
        // The first generation is drawn at random: no trial repeats an earlier one's real numbers (x, lr).
        Assert.All(c.Trials.Take(population), t => Assert.DoesNotContain(c.Trials.Take(t.Number), e => e.Params["x"] == t.Params["x"] || e.Params["lr"] == t.Params["lr"]));
    }

    [Fact]
    public void Nsga2Sampler_EarlierTrialWithoutParameters_DrawsFromItsOwnStreams()
    {
        // Workers sampling at once: an earlier trial not yet sampled leaves the streams' position unknown. Two such trials draw
        // differently from each other and from the one-after-another proposal, and each the same when asked again.
        var c = Read(0);
        var history = c.Trials.Take(30).ToList();
        history[25] = history[25] with { State = TrialState.Running, Params = new Dictionary<string, double>(), Value = null, Values = null };
        var sampler = SamplerFactory.Nsga2(c.Options);

        var a = Propose(sampler, c, history, 30);
        var b = Propose(sampler, c, history, 31);

        Assert.NotEqual(a.OrderBy(kv => kv.Key), b.OrderBy(kv => kv.Key));
        Assert.Equal(a.OrderBy(kv => kv.Key), Propose(SamplerFactory.Nsga2(c.Options), c, history.ToList(), 30).OrderBy(kv => kv.Key));
        Assert.NotEqual(c.Trials[30].Params.OrderBy(kv => kv.Key), a.OrderBy(kv => kv.Key));
    }

    [Theory]
    [InlineData(1, null, 0.9, 0.5, "population size 1")]
    [InlineData(10, 1.5, 0.9, 0.5, "mutation probability 1.5")]
    [InlineData(10, null, -0.1, 0.5, "crossover probability -0.1")]
    [InlineData(10, null, 0.9, double.NaN, "swapping probability NaN")]
    public void Nsga2Sampler_BadOption_RefusedNamingIt(int population, double? mutation, double crossover, double swapping, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => SamplerFactory.Nsga2(new()
        {
            PopulationSize = population,
            MutationProbability = mutation,
            CrossoverProbability = crossover,
            SwappingProbability = swapping,
        }));
        Assert.Contains(named, e.Message);
    }
}
