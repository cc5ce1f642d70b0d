using Keel.Core.Data;
using Keel.Core.Spec;

namespace Keel.Training.Tests;

public class QualityTests
{
    private static IFittedModel Fit(string type, TrainingData train, TaskKind task, Dictionary<string, string>? options = null) =>
        TrainerCatalog.Create(new ModelSpec { Type = type, Options = options ?? new Dictionary<string, string>() }, task, 0)
            .Fit(train, null, TestData.Context()).Model;

    [Fact]
    public void LightGbm_CreditDefaults_AucAbove080()
    {
        var (train, test) = TestData.Split(TestData.Credit());

        var auc = TestData.Auc(Fit("lightgbm", train, TaskKind.Binary).Predict(test.Features), test.Labels.ClassIndices!);

        Assert.True(auc > 0.8, $"AUC {auc}");
    }

    [Theory]
    [InlineData("linear", 0.78)]
    [InlineData("fasttree", 0.78)]
    [InlineData("fastforest", 0.78)]
    public void Candidates_Credit_BeatZeroRuleAuc(string type, double minAuc)
    {
        var (train, test) = TestData.Split(TestData.Credit());
        var y = test.Labels.ClassIndices!;

        var auc = TestData.Auc(Fit(type, train, TaskKind.Binary).Predict(test.Features), y);
        var baseline = TestData.Auc(Fit("zero_rule", train, TaskKind.Binary).Predict(test.Features), y);

        Assert.Equal(0.5, baseline, 6);
        Assert.True(auc > minAuc, $"AUC {auc}");
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    [InlineData("fastforest")]
    public void Candidates_Penguins_AccuracyAbove090(string type)
    {
        var (train, test) = TestData.Split(TestData.Penguins());

        var accuracy = TestData.Accuracy(Fit(type, train, TaskKind.Multiclass).Predict(test.Features), test.Labels.ClassIndices!);

        Assert.True(accuracy > 0.9, $"accuracy {accuracy}");
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    [InlineData("fastforest")]
    public void Candidates_Ames_RmseBelowZeroRule(string type)
    {
        var (train, test) = TestData.Split(TestData.Ames());
        var y = test.Labels.Values!;

        var rmse = Losses.Rmse(Fit(type, train, TaskKind.Regression).Predict(test.Features).Values!, y);
        var baseline = Losses.Rmse(Fit("zero_rule", train, TaskKind.Regression).Predict(test.Features).Values!, y);

        Assert.True(rmse < 0.75 * baseline, $"rmse {rmse} vs zero_rule {baseline}");
    }
}
