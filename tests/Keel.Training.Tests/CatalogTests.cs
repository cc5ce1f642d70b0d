using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;

namespace Keel.Training.Tests;

public class CatalogTests
{
    private static ModelSpec Spec(string type, params (string Key, string Value)[] options) =>
        new() { Type = type, Name = "m", Options = options.ToDictionary(o => o.Key, o => o.Value) };

    [Fact]
    public void Types_ListsEveryTrainer()
    {
        Assert.Equal(["random", "zero_rule", "heuristic", "linear", "lightgbm", "fasttree", "fastforest", "random_forest", "voting", "stacking", "bagging"], TrainerCatalog.Types);
    }

    [Theory]
    [InlineData(TaskKind.Binary)]
    [InlineData(TaskKind.Regression)]
    public void DefaultCandidates_BaselinesAndAllCandidates(TaskKind task)
    {
        Assert.Equal(["random", "zero_rule", "linear", "lightgbm", "fasttree", "random_forest"], TrainerCatalog.DefaultCandidates(task).Select(s => s.Type));
        Assert.All(TrainerCatalog.DefaultCandidates(task), s => TrainerCatalog.Create(s, task, 0));
    }

    [Fact]
    public void DefaultCandidates_MoreRowsThanForestLimit_FastForestInsteadOfRandomForest()
    {
        Assert.Equal("random_forest", TrainerCatalog.DefaultCandidates(TaskKind.Binary, TrainerCatalog.ForestRowLimit)[^1].Type);
        Assert.Equal("fastforest", TrainerCatalog.DefaultCandidates(TaskKind.Binary, TrainerCatalog.ForestRowLimit + 1)[^1].Type);
    }

    [Fact]
    public void Create_UnknownType_ThrowsListingTypes()
    {
        var e = Assert.Throws<KeelInputException>(() => TrainerCatalog.Create(Spec("xgboost"), TaskKind.Binary, 2));

        Assert.Contains("models[2] (m)", e.Message);
        Assert.Contains("'xgboost'", e.Message);
        Assert.Contains("lightgbm", e.Message);
    }

    [Fact]
    public void Create_UnknownOption_ThrowsListingKnownOptions()
    {
        var e = Assert.Throws<KeelInputException>(() => TrainerCatalog.Create(Spec("fasttree", ("numbr_of_trees", "5")), TaskKind.Binary, 1));

        Assert.Contains("models[1] (m)", e.Message);
        Assert.Contains("'numbr_of_trees'", e.Message);
        Assert.Contains("number_of_trees", e.Message);
    }

    [Theory]
    [InlineData("lightgbm", "learning_rate", "abc")]
    [InlineData("lightgbm", "learning_rate", "0")]
    [InlineData("lightgbm", "number_of_iterations", "-3")]
    [InlineData("lightgbm", "number_of_leaves", "2.5")]
    [InlineData("fastforest", "number_of_trees", "0")]
    [InlineData("linear", "l2_regularization", "-1")]
    public void Create_BadOptionValue_ThrowsNamingOptionAndRange(string type, string option, string value)
    {
        var e = Assert.Throws<KeelInputException>(() => TrainerCatalog.Create(Spec(type, (option, value)), TaskKind.Binary, 0));

        Assert.Contains("models[0] (m)", e.Message);
        Assert.Contains($"'{option}'", e.Message);
        Assert.Contains($"'{value}'", e.Message);
        Assert.Contains("must be", e.Message);
    }

    [Fact]
    public void Create_OptionOnBaseline_Throws()
    {
        var e = Assert.Throws<KeelInputException>(() => TrainerCatalog.Create(Spec("zero_rule", ("x", "1")), TaskKind.Binary, 0));

        Assert.Contains("takes no options", e.Message);
    }

    [Fact]
    public void Create_GivenOptions_ShowInEffectiveParams()
    {
        var trainer = TrainerCatalog.Create(Spec("fasttree", ("learning_rate", "0.1")), TaskKind.Binary, 0);

        Assert.Equal("0.1", trainer.EffectiveParams["learning_rate"]);
        Assert.Equal("100", trainer.EffectiveParams["number_of_trees"]);
        Assert.Equal("20", trainer.EffectiveParams["number_of_leaves"]);
        Assert.Equal("10", trainer.EffectiveParams["minimum_example_count_per_leaf"]);
    }

    [Theory]
    [InlineData("random", true)]
    [InlineData("zero_rule", true)]
    [InlineData("linear", false)]
    [InlineData("fastforest", false)]
    public void Create_IsBaseline_OnlyForBaselines(string type, bool expected)
    {
        Assert.Equal(expected, TrainerCatalog.Create(Spec(type), TaskKind.Binary, 0).IsBaseline);
    }

    [Theory]
    [InlineData(TaskKind.Regression, "1")]
    [InlineData(TaskKind.Binary, "0.7")]
    [InlineData(TaskKind.Multiclass, "0.7")]
    public void Create_FastForest_FeatureFractionDefaultsByTask(TaskKind task, string expected)
    {
        // Regression uses every feature, as scikit-learn's RandomForestRegressor; ML.NET's 0.7 per tree and per split stays for classifiers.
        Assert.Equal(expected, TrainerCatalog.Create(Spec("fastforest"), task, 0).EffectiveParams["feature_fraction"]);
    }
}
