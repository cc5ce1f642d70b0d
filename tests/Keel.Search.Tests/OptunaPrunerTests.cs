using System.Text.Json;
using Keel.Core.Search;
using Keel.Search.Pruners;

namespace Keel.Search.Tests;

/// <summary>Keel's median, percentile, threshold and patient pruners stop every trial where Optuna 3.1's stopped it (fixture written by
/// bench/search/pruners_fixture.py; Keel's step is Optuna's + 1).</summary>
public sealed class OptunaPrunerTests
{
    private static readonly JsonElement Root = FixtureFile.Root("optuna_pruners.json");

    private static IPruner Pruner(string name, JsonElement o)
    {
        int Int(string key, int fallback) => o.TryGetProperty(key, out var v) ? v.GetInt32() : fallback;
        double Number(string key, double fallback) => o.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        var options = new MedianPrunerOptions { StartupTrials = Int("startup", 5), WarmupSteps = Int("warmup", 0), IntervalSteps = Int("interval", 1), MinTrials = Int("min_trials", 1) };
        return name switch
        {
            "median" => PrunerFactory.Median(options),
            "percentile" => PrunerFactory.Percentile(Number("percentile", double.NaN), options),
            "threshold" => PrunerFactory.Threshold(Number("lower", double.NegativeInfinity), Number("upper", double.PositiveInfinity), Int("warmup", 0), Int("interval", 1)),
            "patient" => PrunerFactory.Patient(o.TryGetProperty("wrapped", out _) ? PrunerFactory.Median(options) : null, Int("patience", 0), Number("min_delta", 0)),
            _ => throw new ArgumentException(name),
        };
    }

    /// <summary>Runs the case's trials one after another through <paramref name="pruner"/>; each trial's pruning step in Optuna's
    /// numbering (null: completed).</summary>
    private static int?[] Run(IPruner pruner, JsonElement c)
    {
        var done = new List<TrialRecord>();
        var prunedAt = new List<int?>();
        foreach (var t in c.GetProperty("trials").EnumerateArray())
        {
            var steps = t.GetProperty("steps").EnumerateArray().Select(s => s.GetInt32() + 1).ToArray();
            var values = t.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();
            var reported = new Dictionary<int, double>();
            int? stopped = null;
            for (var i = 0; i < steps.Length && stopped is null; i++)
            {
                reported[steps[i]] = values[i];
                var record = new TrialRecord(done.Count, 1, TrialState.Running, "g", new Dictionary<string, double>()) { Intermediate = new Dictionary<int, double>(reported) };
                if (pruner.ShouldPrune(record, steps[i], done)) stopped = steps[i];
            }
            done.Add(new TrialRecord(done.Count, 1, stopped is null ? TrialState.Complete : TrialState.Pruned, "g", new Dictionary<string, double>())
            {
                Intermediate = new Dictionary<int, double>(reported),
                Value = stopped is null ? values[^1] : null,
            });
            prunedAt.Add(stopped - 1);
        }
        return [.. prunedAt];
    }

    public static TheoryData<int> Cases => new(Enumerable.Range(0, Root.GetProperty("cases").GetArrayLength()));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pruner_OptunasStudy_StopsEachTrialWhereOptunaDid(int index)
    {
        // 0: median, defaults; 1: median with start-up 3, warm-up 4, interval 3 on curves reported every 1-3 steps; 2: percentile 25
        // with at least 2 trials at the step, sparse curves with NaN losses; 3: percentile 80; 4: threshold [0.1, 0.9], warm-up 2,
        // interval 2; 5: patient, patience 3, min_delta 0.01, NaN losses; 6: patient wrapping the median pruner.
        var c = Root.GetProperty("cases")[index];
        var expected = c.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("pruned_at").ValueKind == JsonValueKind.Null ? (int?)null : t.GetProperty("pruned_at").GetInt32()).ToArray();

        var actual = Run(Pruner(c.GetProperty("pruner").GetString()!, c.GetProperty("options")), c);

        Assert.Equal(expected, actual);
        Assert.Contains(expected, e => e is not null);
        Assert.Contains(expected, e => e is null);
    }

    [Fact]
    public void Patient_FlatOrWorseningCurve_StoppedOnlyWhenItsLastStepsAreWorse()
    {
        // As Optuna: stalled means the best of the last patience + 1 steps is worse than the best before them; level is not worse.
        var patient = PrunerFactory.Patient(null, patience: 2);
        bool At(params double[] curve) => patient.ShouldPrune(new TrialRecord(0, 1, TrialState.Running, "g", new Dictionary<string, double>())
        {
            Intermediate = curve.Select((v, i) => (Step: i + 1, v)).ToDictionary(x => x.Step, x => x.v),
        }, curve.Length, []);

        Assert.False(At(0.5, 0.5, 0.5, 0.5, 0.5));
        Assert.True(At(0.5, 0.5, 0.6, 0.6, 0.6));
        Assert.False(At(0.5, 0.6, 0.6)); // too few steps to judge
    }

    [Theory]
    [InlineData(new double[] { 3, 1, 2 }, 0, 1)]
    [InlineData(new double[] { 3, 1, 2 }, 100, 3)]
    [InlineData(new double[] { 4, 1, 2, 3 }, 25, 1.75)]
    [InlineData(new double[] { 4, 1, double.NaN, 2, 3 }, 50, 2.5)]
    [InlineData(new double[] { double.NaN }, 50, double.NaN)]
    public void Percentile_Values_NumpysLinearNanpercentile(double[] values, double q, double expected)
    {
        Assert.Equal(expected, PercentilePruner.Percentile(values, q));
    }
}
