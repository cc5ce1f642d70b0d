namespace Keel.Evaluation.Tests;

public sealed class ModelSelectorTests
{
    private static IReadOnlyDictionary<string, double>[] Candidates(string metric, params double[] values) =>
        values.Select(v => (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { [metric] = v }).ToArray();

    [Fact]
    public void SelectBest_Auc_PicksHighest() =>
        Assert.Equal(1, ModelSelector.SelectBest(Candidates("auc", 0.7, 0.9, 0.8), "auc"));

    [Fact]
    public void SelectBest_LogLoss_PicksLowest() =>
        Assert.Equal(2, ModelSelector.SelectBest(Candidates("log_loss", 0.7, 0.9, 0.3), "log_loss"));

    [Fact]
    public void SelectBest_Rmse_PicksLowest() =>
        Assert.Equal(0, ModelSelector.SelectBest(Candidates("rmse", 1.5, 2.0, 1.6), "rmse"));

    [Fact]
    public void SelectBest_NaNValue_NeverWins()
    {
        Assert.Equal(1, ModelSelector.SelectBest(Candidates("auc", double.NaN, 0.5, double.NaN), "auc"));
        Assert.Equal(1, ModelSelector.SelectBest(Candidates("rmse", double.NaN, 3.0), "rmse"));
    }

    [Fact]
    public void SelectBest_MissingMetric_NeverWins()
    {
        IReadOnlyDictionary<string, double>[] candidates =
        [
            new Dictionary<string, double> { ["accuracy"] = 1.0 },
            new Dictionary<string, double> { ["auc"] = 0.51 },
        ];
        Assert.Equal(1, ModelSelector.SelectBest(candidates, "auc"));
    }

    [Fact]
    public void SelectBest_Tie_LowerIndexWins()
    {
        Assert.Equal(1, ModelSelector.SelectBest(Candidates("auc", 0.5, 0.9, 0.9), "auc"));
        Assert.Equal(0, ModelSelector.SelectBest(Candidates("mae", 2.0, 2.0, 3.0), "mae"));
    }

    [Fact]
    public void SelectBest_NoCandidateHasMetric_ThrowsNamingMetricAndSplit()
    {
        var e = Assert.Throws<Keel.Core.KeelInputException>(() => ModelSelector.SelectBest(Candidates("auc", double.NaN, double.NaN), "auc"));
        Assert.Contains("auc", e.Message);
        Assert.Contains("validation", e.Message);
    }

    [Fact]
    public void SelectBest_MetricMissingEverywhere_Throws()
    {
        IReadOnlyDictionary<string, double>[] candidates = [new Dictionary<string, double> { ["accuracy"] = 1.0 }, new Dictionary<string, double>()];
        Assert.Throws<Keel.Core.KeelInputException>(() => ModelSelector.SelectBest(candidates, "auc"));
    }

    [Fact]
    public void SelectBest_NoCandidates_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => ModelSelector.SelectBest([], "auc"));

    [Fact]
    public void SelectBest_UnknownMetric_ThrowsKeelInputException() =>
        Assert.Throws<Keel.Core.KeelInputException>(() => ModelSelector.SelectBest(Candidates("auc", 0.5), "aucc"));
}
