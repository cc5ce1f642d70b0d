namespace Keel.Search.Tests;

public sealed class ParetoFrontTests
{
    private static readonly Objective[] AucLatencySize = [new("auc", true), new("latency", false), new("size", false)];

    [Fact]
    public void Front_ConstructedTrials_KeepsExactlyTheNonDominated()
    {
        double[][] trials =
        [
            [0.90, 10, 1000],   // 0: best auc
            [0.85, 2, 800],     // 1: fastest and smallest of the good ones
            [0.85, 5, 900],     // 2: dominated by 1 (same auc, slower, larger)
            [0.88, 4, 5000],    // 3: trade-off: better auc than 1, faster than 0
            [0.80, 20, 2000],   // 4: dominated by 0
            [0.85, 2, 800],     // 5: identical to 1: neither dominates, both kept
            [double.NaN, 1, 1], // 6: no value (failed or pruned): never on the front
        ];

        var front = ParetoFront.Front(trials, AucLatencySize);

        Assert.Equal([0, 1, 3, 5], front);
    }

    [Fact]
    public void Front_SingleObjective_IsTheBestTrials()
    {
        double[][] trials = [[3.0], [1.0], [2.0], [1.0]];

        Assert.Equal([1, 3], ParetoFront.Front(trials, [new Objective("rmse", false)]));
    }

    [Fact]
    public void Dominates_BetterOnOneEqualOnOthers_TrueAndNotConversely()
    {
        Assert.True(ParetoFront.Dominates([0.9, 2, 10], [0.9, 3, 10], AucLatencySize));
        Assert.False(ParetoFront.Dominates([0.9, 3, 10], [0.9, 2, 10], AucLatencySize));
        Assert.False(ParetoFront.Dominates([0.9, 2, 10], [0.9, 2, 10], AucLatencySize));
    }

    [Fact]
    public void HypervolumeHistory_AucAgainstSize_ShareOfTheBoxTheFrontSoFarDominates()
    {
        // Losses (−auc, size): ideal (−0.9, 100); reference (max(1.1 × −0.7, 0.9 × −0.7), max(1.1 × 300, 0.9 × 300)) = (−0.63, 330);
        // box 0.27 × 230. Trial 0 alone: 0.17 × 230; trial 1 is dominated and adds nothing, trial 3 has no size; trial 2 adds 0.1 × 30.
        IReadOnlyList<double>[] trials = [[0.8, 100], [0.7, 200], [0.9, 300], [0.95, double.NaN]];

        var history = ParetoFront.HypervolumeHistory(trials, [new Objective("auc", true), new Objective("size", false)]);

        Assert.Equal([0.17 * 230 / (0.27 * 230), 0.17 * 230 / (0.27 * 230), (0.17 * 230 + 0.1 * 30) / (0.27 * 230), (0.17 * 230 + 0.1 * 30) / (0.27 * 230)],
            history, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal([0.0, 0.0], ParetoFront.HypervolumeHistory([[double.NaN, 1], [1, double.NaN]], [new Objective("auc", true), new Objective("size", false)]));
    }
}
