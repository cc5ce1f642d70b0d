using System.Text.Json;
using Keel.Core.Search;
using Keel.Search.Samplers;

namespace Keel.Search.Tests;

/// <summary><c>TpeSamplerOptions.ConstantLiar</c> against Optuna 3.1's <c>TPESampler(seed, constant_liar=True)</c> with several trials in
/// flight (fixture written by bench/search/constant_liar_fixture.py), and what it does on its own. With one worker it changes
/// nothing (OptunaStreamTests).</summary>
public sealed class ConstantLiarTests
{
    private static readonly JsonElement Root = FixtureFile.Root("optuna_constant_liar.json");

    /// <summary>Each trial of a fixture case proposed from the history its Optuna sampler saw: the trials told by then complete, the
    /// ones in flight running with their parameters. Returns how many trials were proposed as Optuna proposed them.</summary>
    private static int Replay(JsonElement c, bool constantLiar, bool assertEqual)
    {
        var space = OptunaStreamTests.Spaces[c.GetProperty("objective").GetString()!];
        var direction = c.GetProperty("direction").GetString() == "maximize" ? Direction.Maximize : Direction.Minimize;
        var sampler = SamplerFactory.Tpe(new TpeSamplerOptions { Seed = c.GetProperty("seed").GetInt32(), ConstantLiar = constantLiar });
        var trials = c.GetProperty("trials").EnumerateArray().Select(t => (
            Params: t.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
            Value: t.GetProperty("value").GetDouble(),
            Running: t.GetProperty("running").EnumerateArray().Select(r => r.GetInt32()).ToHashSet())).ToArray();
        var equal = 0;
        for (var n = 0; n < trials.Length; n++)
        {
            var history = Enumerable.Range(0, n).Select(k => trials[n].Running.Contains(k)
                ? new TrialRecord(k, 1, TrialState.Running, "g", trials[k].Params)
                : new TrialRecord(k, 1, TrialState.Complete, "g", trials[k].Params) { Value = trials[k].Value }).ToArray();

            var proposed = Sampling.SampleAll(sampler, space, n, history, direction);

            var same = trials[n].Params.OrderBy(kv => kv.Key).SequenceEqual(proposed.OrderBy(kv => kv.Key));
            if (assertEqual) Assert.True(same, $"trial {n}: Optuna {string.Join(", ", trials[n].Params.OrderBy(kv => kv.Key))}; Keel {string.Join(", ", proposed.OrderBy(kv => kv.Key))}");
            if (same) equal++;
        }
        return equal;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void ConstantLiar_TrialsInFlight_ProposesOptunasTrials(int index)
    {
        // Case 0: mixed, 4 in flight, the oldest told first; 1: gbmlike maximised, 3 in flight, told in random order; 2: catheavy
        // (conditional parameters), 6 in flight, random order.
        var c = Root.GetProperty("cases")[index];
        var n = c.GetProperty("trials").GetArrayLength();

        Assert.Equal(n, Replay(c, constantLiar: true, assertEqual: true));
        // Without the lie the same histories propose other trials once some run: the fixture tells the two apart.
        Assert.True(Replay(c, constantLiar: false, assertEqual: false) < n - 5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConstantLiar_RunningTrialsAtTheOptimum_PushProposalsAway(bool multivariate)
    {
        // 20 complete trials of x in [0, 10] whose loss is |x - 5|, and 6 trials running at x = 5: without the lie TPE proposes near
        // 5; with it the running trials weigh on the bad side there, so proposals move away (Keel's own path for multivariate).
        var space = new SearchSpace([new ParamSpec("x", new FloatDistribution(0, 10)), new ParamSpec("y", new FloatDistribution(0, 1))]);
        var history = new List<TrialRecord>();
        for (var k = 0; k < 20; k++)
        {
            var x = k * 0.5 + 0.1;
            history.Add(new TrialRecord(k, 1, TrialState.Complete, "g", new Dictionary<string, double> { ["x"] = x, ["y"] = 0.5 }) { Value = Math.Abs(x - 5) });
        }
        for (var k = 20; k < 26; k++)
            history.Add(new TrialRecord(k, 1, TrialState.Running, "g", new Dictionary<string, double> { ["x"] = 5 + (k - 23) * 0.01, ["y"] = 0.5 }));
        double Distance(bool liar) => Enumerable.Range(26, 40).Average(n =>
            Math.Abs(Sampling.SampleAll(SamplerFactory.Tpe(new TpeSamplerOptions { Seed = n, Multivariate = multivariate, ConstantLiar = liar }), space, n, history, Direction.Minimize)["x"] - 5));

        var honest = Distance(false);
        var lying = Distance(true);

        Assert.True(lying > honest + 0.1, $"mean distance from the running trials: {lying:F3} with the lie, {honest:F3} without");
    }
}
