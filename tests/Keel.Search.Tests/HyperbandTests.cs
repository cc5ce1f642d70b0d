using System.Text;
using System.Text.Json;
using Keel.Core.Search;
using Keel.Search.Pruners;

namespace Keel.Search.Tests;

/// <summary>Keel's Hyperband pruner against Optuna 3.1's HyperbandPruner (fixture written by bench/search/hyperband_fixture.py).</summary>
public sealed class HyperbandTests
{
    private static readonly JsonElement Root =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "optuna_hyperband.json"))).RootElement;

    [Fact]
    public void Crc32_Names_AreZlibs()
    {
        foreach (var pair in Root.GetProperty("crc32").EnumerateArray())
            Assert.Equal(pair[1].GetUInt32(), HyperbandPruner.Crc32(Encoding.UTF8.GetBytes(pair[0].GetString()!)));
    }

    [Theory]
    [InlineData(0)] // min 10 rounds, maximum "auto" (the first complete trial's 100 steps): 3 brackets
    [InlineData(1)] // min 3, max 81: 4 brackets
    [InlineData(2)] // min 2, max 64, reduction factor 2: 6 brackets
    public void Hyperband_OptunasStudy_PrunesTheSameTrialsAtTheSameSteps(int index)
    {
        // Each trial's curve, (x − 1.5)² + 2 / (1 + step · lr), is reported step by step, and the pruner asked after each step with
        // the trials before it as they ended, as Keel's trials ask it; the trial stops where Optuna's stopped.
        var c = Root.GetProperty("hyperband")[index];
        var o = c.GetProperty("options");
        var pruner = PrunerFactory.Hyperband(new HyperbandOptions
        {
            StudyName = c.GetProperty("study").GetString()!,
            MinResource = o.GetProperty("min_resource").GetInt32(),
            MaxResource = o.TryGetProperty("max_resource", out var max) ? max.GetInt32() : null,
            ReductionFactor = o.GetProperty("reduction_factor").GetInt32(),
        });
        var steps = c.GetProperty("steps").GetInt32();
        var ended = new List<TrialRecord>();
        foreach (var t in c.GetProperty("trials").EnumerateArray())
        {
            var p = t.GetProperty("params");
            double x = p.GetProperty("x").GetDouble(), lr = p.GetProperty("lr").GetDouble();
            var intermediate = new Dictionary<int, double>();
            var state = TrialState.Complete;
            for (var step = 1; step <= steps; step++)
            {
                intermediate[step] = (x - 1.5) * (x - 1.5) + 2 / (1 + step * lr);
                var running = new TrialRecord(ended.Count, 1, TrialState.Running, "g", new Dictionary<string, double>()) { Intermediate = new Dictionary<int, double>(intermediate) };
                if (pruner.ShouldPrune(running, step, ended))
                {
                    state = TrialState.Pruned;
                    break;
                }
            }

            Assert.Equal((t.GetProperty("state").GetString(), t.GetProperty("last_step").GetInt32()), (state.ToString().ToLowerInvariant(), intermediate.Keys.Max()));
            ended.Add(new TrialRecord(ended.Count, 1, state, "g", new Dictionary<string, double>()) { Intermediate = intermediate, Value = state == TrialState.Complete ? intermediate[steps] : null });
        }
        var hyperband = (HyperbandPruner)pruner;
        Assert.Equal(c.GetProperty("brackets").EnumerateArray().Select(b => b.GetInt32()), ended.Select(t => hyperband.Bracket(t.Number, ended)));
        Assert.True(ended.Count(t => t.State == TrialState.Pruned) >= ended.Count / 2);
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
