using Keel.Core.Data;
using Keel.Core.Spec;

namespace Keel.Training.Tests;

public class EarlyStoppingTests
{
    // A high learning rate on a small set: validation loss turns up after a few rounds.
    private static ModelSpec Overfitting(string type) => new()
    {
        Type = type,
        Options = type == "lightgbm"
            ? new Dictionary<string, string> { ["number_of_iterations"] = "150", ["learning_rate"] = "0.5", ["early_stopping_rounds"] = "10" }
            : new Dictionary<string, string> { ["number_of_trees"] = "150", ["learning_rate"] = "0.8", ["early_stopping_rounds"] = "10" },
    };

    [Theory]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    public void Fit_ValidationLossRises_StopsAtLowestValidationRound(string type)
    {
        var (train, valid) = TestData.Split(TestData.Credit());

        var fit = TrainerCatalog.Create(Overfitting(type), TaskKind.Binary, 0).Fit(train, valid, TestData.Context());

        var curve = fit.LossCurve!;
        var best = Assert.NotNull(fit.BestIteration);
        Assert.InRange(best, 1, 149);
        var scanned = curve.Points.Take(Math.Min(curve.Points.Count, best + 10)).ToArray();
        Assert.Equal(scanned.Min(pt => pt.Validation!.Value), curve.Points[best - 1].Validation!.Value);
        var modelLoss = Losses.LogLoss(fit.Model.Predict(valid.Features).Probabilities!, valid.Labels.ClassIndices!);
        Assert.Equal(curve.Points[best - 1].Validation!.Value, modelLoss, 6);
        Assert.True(modelLoss < curve.Points[^1].Validation!.Value, $"best {modelLoss} vs last {curve.Points[^1].Validation}");
    }

    [Fact]
    public void ForRefit_AfterEarlyStop_TrainsBestRoundCountWithoutValidation()
    {
        var (train, valid) = TestData.Split(TestData.Credit());
        var trainer = TrainerCatalog.Create(Overfitting("lightgbm"), TaskKind.Binary, 0);
        var fit = trainer.Fit(train, valid, TestData.Context());

        var refit = trainer.ForRefit(fit).Fit(train, null, TestData.Context());

        Assert.Equal(fit.BestIteration.ToString(), trainer.ForRefit(fit).EffectiveParams["number_of_iterations"]);
        Assert.Equal(fit.BestIteration, refit.LossCurve!.Points.Count);
        Assert.Null(refit.BestIteration);
    }

    [Fact]
    public void Create_Boosted_EarlyStoppingDefaultsTo20Rounds()
    {
        Assert.Equal("20", TrainerCatalog.Create(new ModelSpec { Type = "lightgbm" }, TaskKind.Binary, 0).EffectiveParams["early_stopping_rounds"]);
        Assert.Equal("20", TrainerCatalog.Create(new ModelSpec { Type = "fasttree" }, TaskKind.Binary, 0).EffectiveParams["early_stopping_rounds"]);
    }

    [Fact]
    public void Fit_EarlyStoppingOff_KeepsEveryRound()
    {
        var (train, valid) = TestData.Split(TestData.Credit());
        var spec = Overfitting("lightgbm");
        spec = spec with { Options = new Dictionary<string, string>(spec.Options) { ["early_stopping_rounds"] = "0" } };

        var fit = TrainerCatalog.Create(spec, TaskKind.Binary, 0).Fit(train, valid, TestData.Context());

        Assert.Null(fit.BestIteration);
        Assert.Equal(150, fit.LossCurve!.Points.Count);
    }
}
