using Keel.Core.Search;

namespace Keel.Search.Tests;

public sealed class PrunerTests
{
    /// <summary>A loss curve falling from start towards floor over 100 steps.</summary>
    private static Dictionary<int, double> Curve(double start, double floor) =>
        Enumerable.Range(1, 100).ToDictionary(s => s, s => floor + (start - floor) * Math.Exp(-s / 20.0));

    private static TrialRecord Done(int number, double start, double floor) =>
        new(number, 1, TrialState.Complete, "g", new Dictionary<string, double>()) { Value = floor, Intermediate = Curve(start, floor) };

    /// <summary>Feeds <paramref name="curve"/> step by step; returns the step the pruner stopped at, or null.</summary>
    private static int? Run(Pruners.IPruner pruner, Dictionary<int, double> curve, IReadOnlyList<TrialRecord> others)
    {
        var seen = new Dictionary<int, double>();
        foreach (var (step, value) in curve.OrderBy(kv => kv.Key))
        {
            seen[step] = value;
            var t = new TrialRecord(99, 1, TrialState.Running, "g", new Dictionary<string, double>()) { Intermediate = new Dictionary<int, double>(seen) };
            if (pruner.ShouldPrune(t, step, others)) return step;
        }
        return null;
    }

    private static readonly TrialRecord[] Good = Enumerable.Range(0, 6).Select(i => Done(i, 0.69, 0.30 + 0.01 * i)).ToArray();

    [Fact]
    public void MedianPruner_DeliberatelyBadTrial_StoppedEarly()
    {
        var step = Run(PrunerFactory.Median(new() { WarmupSteps = 5 }), Curve(0.69, 0.65), Good);
        Assert.NotNull(step);
        Assert.True(step <= 10, $"stopped at {step}");
    }

    [Fact]
    public void MedianPruner_BetterThanMedian_RunsToTheEnd() =>
        Assert.Null(Run(PrunerFactory.Median(new() { WarmupSteps = 5 }), Curve(0.69, 0.25), Good));

    [Fact]
    public void MedianPruner_TooFewCompleteTrials_NeverPrunes() =>
        Assert.Null(Run(PrunerFactory.Median(), Curve(0.69, 0.65), Good.Take(4).ToArray()));

    [Fact]
    public void SuccessiveHalving_DeliberatelyBadTrial_StoppedAtFirstRung() =>
        Assert.Equal(10, Run(PrunerFactory.SuccessiveHalving(), Curve(0.69, 0.65), Good));

    [Fact]
    public void SuccessiveHalving_BestTrial_PromotedThroughEveryRung() =>
        Assert.Null(Run(PrunerFactory.SuccessiveHalving(), Curve(0.60, 0.2), Good));

    [Fact]
    public void SuccessiveHalving_FirstTrial_NotPruned() =>
        Assert.Null(Run(PrunerFactory.SuccessiveHalving(), Curve(0.69, 0.65), []));
}
