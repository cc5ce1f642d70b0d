using System.Text;
using System.Text.Json;
using Keel.Core.Search;
using Keel.Search.Pruners;
using Keel.Search.Samplers;

namespace Keel.Search.Tests;

/// <summary>Keel's Hyperband pruner against Optuna 3.1's HyperbandPruner (fixture written by bench/search/hyperband_fixture.py).</summary>
public sealed class HyperbandTests
{
    internal static readonly JsonElement Root = FixtureFile.Root("optuna_hyperband.json");

    [Fact]
    public void Crc32_Names_AreZlibs()
    {
        foreach (var pair in Root.GetProperty("crc32").EnumerateArray())
            Assert.Equal(pair[1].GetUInt32(), HyperbandPruner.Crc32(Encoding.UTF8.GetBytes(pair[0].GetString()!)));
    }

    internal static IPruner Pruner(JsonElement c)
    {
        var o = c.GetProperty("options");
        return PrunerFactory.Hyperband(new HyperbandOptions
        {
            StudyName = c.GetProperty("study").GetString()!,
            MinResource = o.GetProperty("min_resource").GetInt32(),
            MaxResource = o.TryGetProperty("max_resource", out var max) ? max.GetInt32() : null,
            ReductionFactor = o.GetProperty("reduction_factor").GetInt32(),
        });
    }

    /// <summary>Runs the fixture's trials in order as Keel's trials run: parameters from <paramref name="propose"/> (or Optuna's), each
    /// compared with Optuna's; the curve (x − 1.5)² + 2 / (1 + step · lr) reported step by step, the pruner asked after each step with
    /// the trials before as they ended; each trial must stop where Optuna's stopped. Returns the ended trials.</summary>
    private static List<TrialRecord> Replay(JsonElement c, IPruner pruner, Func<int, List<TrialRecord>, IReadOnlyDictionary<string, double>>? propose = null)
    {
        var steps = c.GetProperty("steps").GetInt32();
        var ended = new List<TrialRecord>();
        foreach (var t in c.GetProperty("trials").EnumerateArray())
        {
            var optuna = t.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            var p = propose?.Invoke(ended.Count, ended) ?? optuna;
            Assert.True(optuna.OrderBy(kv => kv.Key).SequenceEqual(p.OrderBy(kv => kv.Key)), $"trial {ended.Count}: Optuna x={optuna["x"]:R}, lr={optuna["lr"]:R}; Keel x={p["x"]:R}, lr={p["lr"]:R}");
            double x = p["x"], lr = p["lr"];
            var intermediate = new Dictionary<int, double>();
            var state = TrialState.Complete;
            for (var step = 1; step <= steps; step++)
            {
                intermediate[step] = (x - 1.5) * (x - 1.5) + 2 / (1 + step * lr);
                var running = new TrialRecord(ended.Count, 1, TrialState.Running, "g", p) { Intermediate = new Dictionary<int, double>(intermediate) };
                if (pruner.ShouldPrune(running, step, ended))
                {
                    state = TrialState.Pruned;
                    break;
                }
            }

            Assert.Equal((t.GetProperty("state").GetString(), t.GetProperty("last_step").GetInt32()), (state.ToString().ToLowerInvariant(), intermediate.Keys.Max()));
            ended.Add(new TrialRecord(ended.Count, 1, state, "g", p) { Intermediate = intermediate, Value = state == TrialState.Complete ? intermediate[steps] : null });
        }
        Assert.True(ended.Count(t => t.State == TrialState.Pruned) >= ended.Count / 2);
        return ended;
    }

    [Theory]
    [InlineData(0)] // min 10 rounds, maximum "auto" (the first complete trial's 100 steps): 3 brackets
    [InlineData(1)] // min 3, max 81: 4 brackets
    [InlineData(2)] // min 2, max 64, reduction factor 2: 6 brackets
    public void Hyperband_OptunasStudy_PrunesTheSameTrialsAtTheSameSteps(int index)
    {
        var c = Root.GetProperty("hyperband")[index];
        var pruner = Pruner(c);

        var ended = Replay(c, pruner);

        var hyperband = (HyperbandPruner)pruner;
        Assert.Equal(c.GetProperty("brackets").EnumerateArray().Select(b => b.GetInt32()), ended.Select(t => hyperband.Bracket(t.Number, ended)));
    }

    [Theory]
    [InlineData(0)] // maximum auto: the brackets are sized once trial 1 reports, after trial 0 completed
    [InlineData(1)] // maximum 81: sized at trial 0's first report
    public void Hyperband_WithTpe_ProposesOptunasTrialsFromEachBracketsOwnTrials(int index)
    {
        // Optuna shows TPE only the new trial's bracket (start-up trials and good/bad sides per bracket), while TPE's random streams
        // run on through every trial; Keel's tpe proposes the same trials when the pruner shows it the same.
        var c = Root.GetProperty("tpe")[index];
        var pruner = Pruner(c);
        var space = new SearchSpace([new ParamSpec("x", new FloatDistribution(-5, 5)), new ParamSpec("lr", new FloatDistribution(1e-3, 1, Log: true))]);
        var tpe = SamplerFactory.Tpe(new TpeSamplerOptions { Seed = c.GetProperty("seed").GetInt32() });

        Replay(c, pruner, (n, ended) => Sampling.SampleAll(tpe, space, n, ended, Direction.Minimize, seenBy: ((ISamplerView)pruner).Seen));

        // Shown every trial instead, TPE proposes other trials.
        Assert.Throws<Xunit.Sdk.TrueException>(() => Replay(c, Pruner(c), (n, ended) => Sampling.SampleAll(tpe, space, n, ended, Direction.Minimize)));
    }

    [Fact]
    public void Hyperband_AutoBeforeAnyTrialCompletes_PrunesNothing()
    {
        var pruner = PrunerFactory.Hyperband(new HyperbandOptions { StudyName = "s" });
        var bad = new TrialRecord(1, 1, TrialState.Running, "g", new Dictionary<string, double>()) { Intermediate = new Dictionary<int, double> { [10] = 9.0 } };
        var good = new TrialRecord(0, 1, TrialState.Running, "g", new Dictionary<string, double>()) { Intermediate = new Dictionary<int, double> { [10] = 0.1 } };

        Assert.False(pruner.ShouldPrune(bad, 10, [good]));
    }

    [Theory]
    [InlineData(0, 3, null, "minimum resource 0")]
    [InlineData(10, 1, null, "reduction factor 1")]
    [InlineData(10, 3, 0, "maximum resource 0")]
    public void Hyperband_BadOption_RefusedNamingIt(int min, int reduction, int? max, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => PrunerFactory.Hyperband(new HyperbandOptions { StudyName = "s", MinResource = min, ReductionFactor = reduction, MaxResource = max }));
        Assert.Contains(named, e.Message);
    }
}
