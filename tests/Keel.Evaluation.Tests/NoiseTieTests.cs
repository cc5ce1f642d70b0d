namespace Keel.Evaluation.Tests;

public sealed class NoiseTieTests
{
    private static TieCandidate C(string type, double us, long bytes, params double[] folds) => new(type, folds, us, bytes);

    [Fact]
    public void Decide_EqualFoldScores_TiesAndChoosesSimplerFamily()
    {
        var verdict = NoiseTie.Decide([C("lightgbm", 20, 50_000, 0.9, 0.8, 0.85), C("linear", 15, 4_000, 0.9, 0.8, 0.85)], "auc")!;

        Assert.Equal(0, verdict.Best);
        Assert.Equal([0, 1], verdict.Tied);
        Assert.Equal(1, verdict.Chosen);
    }

    [Fact]
    public void Complexity_RandomForest_SameAsTheOtherTreeFamilies()
    {
        Assert.Equal(NoiseTie.Complexity("fastforest"), NoiseTie.Complexity("random_forest"));
        Assert.True(NoiseTie.Complexity("random_forest") < NoiseTie.Complexity("ensemble"));
    }

    [Fact]
    public void Decide_ConsistentLeadOnEveryFold_NoTie()
    {
        // The lead is 0.02 on every fold: the paired differences have no spread, so the gap is far beyond one standard error.
        var verdict = NoiseTie.Decide([C("linear", 1, 1, 0.80, 0.70, 0.75), C("lightgbm", 1, 1, 0.82, 0.72, 0.77)], "auc")!;

        Assert.Equal(1, verdict.Best);
        Assert.Equal([1], verdict.Tied);
        Assert.Equal(1, verdict.Chosen);
    }

    [Fact]
    public void WithinNoise_GapSmallerThanStandardErrorOfPairedDifferences_True()
    {
        // Differences 0.03, -0.01, 0.01, -0.02, 0.02: mean 0.006, sd 0.0207, standard error 0.0093.
        double[] best = [0.83, 0.79, 0.81, 0.78, 0.82];
        double[] other = [0.80, 0.80, 0.80, 0.80, 0.80];

        Assert.True(NoiseTie.WithinNoise(best, other));
        Assert.False(NoiseTie.WithinNoise(best, [0.78, 0.74, 0.76, 0.73, 0.77]));
    }

    [Fact]
    public void Decide_OneErraticFoldWithinStandardErrorButLossOverCap_NoTie()
    {
        // biomass (bench/tabular8): linear's rmse is 12 % above fasttree's mean, but one erratic fold makes the standard error of the
        // paired differences (0.161) larger than the gap (0.160), so the one-standard-error rule alone called them tied.
        double[] tree = [1.20, 1.25, 1.30, 1.35, 1.45];
        double[] linear = [1.15, 1.27, 1.30, 1.38, 2.25];
        Assert.True(NoiseTie.WithinNoise(tree, linear));

        var verdict = NoiseTie.Decide([C("linear", 1, 1, linear), C("fasttree", 5, 100, tree)], "rmse")!;

        Assert.Equal(1, verdict.Best);
        Assert.Equal([1], verdict.Tied);
        Assert.Equal(1, verdict.Chosen);
    }

    [Fact]
    public void WithinLossCap_ScoreAndErrorMetrics_AbsoluteAndRelativeLimits()
    {
        Assert.True(NoiseTie.WithinLossCap(0.800, 0.796, higherIsBetter: true));
        Assert.False(NoiseTie.WithinLossCap(0.800, 0.794, higherIsBetter: true));
        Assert.True(NoiseTie.WithinLossCap(100.0, 100.9, higherIsBetter: false));
        Assert.False(NoiseTie.WithinLossCap(100.0, 101.1, higherIsBetter: false));
    }

    [Fact]
    public void Decide_LowerIsBetterMetric_BestIsLowestMean()
    {
        var verdict = NoiseTie.Decide([C("linear", 1, 1, 2.0, 2.1), C("fasttree", 1, 1, 1.0, 1.1)], "rmse")!;

        Assert.Equal(1, verdict.Best);
    }

    [Fact]
    public void Prefer_SameFamily_FasterBeyondToleranceThenSmaller()
    {
        TieCandidate[] tied = [C("lightgbm", 30, 10, 0.9), C("fasttree", 10, 900, 0.9), C("fastforest", 12, 500, 0.9)];

        // fastforest predicts within 1.5x of fasttree, so the smaller of the two wins; lightgbm is 3x slower.
        Assert.Equal(2, NoiseTie.Prefer(tied, [0, 1, 2]));
    }

    [Fact]
    public void Prefer_SimplerFamilySlowerAndLarger_PassedOver()
    {
        // mlc_churn's tie (bench/results.md, branch rftrees): a 250-tree forest against a small ensemble of linear and boosted models.
        TieCandidate[] tied = [C("ensemble", 21, 35_000, 0.92), C("random_forest", 117, 4_700_000, 0.917)];

        Assert.Equal(0, NoiseTie.Prefer(tied, [0, 1]));
    }

    [Fact]
    public void Prefer_SimplerFamilySlowerButSmaller_StillPreferred()
    {
        TieCandidate[] tied = [C("ensemble", 21, 500_000, 0.92), C("random_forest", 117, 400_000, 0.917)];

        Assert.Equal(1, NoiseTie.Prefer(tied, [0, 1]));
    }

    [Fact]
    public void Prefer_SimplerFamilyLargerWithinLatencyTolerance_StillPreferred()
    {
        TieCandidate[] tied = [C("ensemble", 21, 35_000, 0.92), C("random_forest", 30, 4_700_000, 0.917)];

        Assert.Equal(1, NoiseTie.Prefer(tied, [0, 1]));
    }

    [Fact]
    public void Decide_SimplerFamilyDominated_ChoosesTheBestAndSaysWhy()
    {
        var verdict = NoiseTie.Decide([C("ensemble", 21, 35_000, 0.92, 0.90, 0.93), C("random_forest", 117, 4_700_000, 0.925, 0.895, 0.928)], "auc")!;

        Assert.Equal([0, 1], verdict.Tied);
        Assert.Equal(0, verdict.Chosen);
        Assert.Contains("random_forest passed over: slower to predict and larger", verdict.Detail);
    }

    [Fact]
    public void Decide_NoFiniteScores_Null() =>
        Assert.Null(NoiseTie.Decide([C("linear", 1, 1, double.NaN, 0.5)], "auc"));
}
