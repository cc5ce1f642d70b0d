using Keel.Core;

namespace Keel.Evaluation.Tests;

public sealed class ModelSelectorTests
{
    private static IReadOnlyDictionary<string, double> M(string name, double value) => new Dictionary<string, double> { [name] = value };
    private static readonly IReadOnlyDictionary<string, double> None = new Dictionary<string, double>();

    [Fact]
    public void SelectBest_HigherIsBetterMetric_PicksHighest() =>
        Assert.Equal(1, ModelSelector.SelectBest([M("auc", 0.7), M("auc", 0.9), M("auc", 0.8)], "auc"));

    [Fact]
    public void SelectBest_LowerIsBetterMetric_PicksLowest() =>
        Assert.Equal(2, ModelSelector.SelectBest([M("rmse", 3), M("rmse", 2), M("rmse", 1.5)], "rmse"));

    [Fact]
    public void SelectBest_Ties_LowestIndexWins() =>
        Assert.Equal(1, ModelSelector.SelectBest([M("log_loss", 0.4), M("log_loss", 0.3), M("log_loss", 0.3)], "log_loss"));

    [Fact]
    public void SelectBest_NaNOrMissing_NeverWins()
    {
        Assert.Equal(2, ModelSelector.SelectBest([M("auc", double.NaN), None, M("auc", 0.1)], "auc"));
        Assert.Equal(1, ModelSelector.SelectBest([M("rmse", double.NaN), M("rmse", 1e9)], "rmse"));
    }

    [Fact]
    public void SelectBest_AllMissing_ReturnsZero() =>
        Assert.Equal(0, ModelSelector.SelectBest([None, M("auc", double.NaN), M("mae", 1)], "auc"));

    [Fact]
    public void SelectBest_UnknownMetric_ThrowsKeelInputException()
    {
        var ex = Assert.Throws<KeelInputException>(() => ModelSelector.SelectBest([M("auc", 1)], "aucc"));
        Assert.Contains("'aucc'", ex.Message);
    }

    [Fact]
    public void SelectBest_NoCandidates_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => ModelSelector.SelectBest([], "auc"));
}
