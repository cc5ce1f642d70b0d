using Keel.Core.Data;
using Keel.Core.Spec;

namespace Keel.Training.Tests;

public class LossCurveTests
{
    public static TheoryData<string, TaskKind> BoostedTypesAndTasks() => new()
    {
        { "lightgbm", TaskKind.Binary }, { "lightgbm", TaskKind.Multiclass }, { "lightgbm", TaskKind.Regression },
        { "fasttree", TaskKind.Binary }, { "fasttree", TaskKind.Multiclass }, { "fasttree", TaskKind.Regression },
    };

    [Theory]
    [MemberData(nameof(BoostedTypesAndTasks))]
    public void Fit_Boosted_LastValidationPointEqualsModelLoss(string type, TaskKind task)
    {
        var (train, valid) = TestData.Split(TestData.ForTask(task));
        var result = TrainerCatalog.Create(TestData.FastSpec(type, task), task, 0).Fit(train, valid, TestData.Context());

        var curve = Assert.IsType<LossCurve>(result.LossCurve);
        var p = result.Model.Predict(valid.Features);
        var expected = task == TaskKind.Regression
            ? Losses.Rmse(p.Values!, valid.Labels.Values!)
            : Losses.LogLoss(p.Probabilities!, valid.Labels.ClassIndices!);
        var last = curve.Points[^1].Validation!.Value;
        Assert.True(Math.Abs(last - expected) <= 1e-6 * Math.Abs(expected), $"curve {last} vs model {expected}");
    }

    [Theory]
    [MemberData(nameof(BoostedTypesAndTasks))]
    public void Fit_Boosted_CurveHasOnePointPerIterationAndTrainLossFalls(string type, TaskKind task)
    {
        var (train, valid) = TestData.Split(TestData.ForTask(task));
        var curve = TrainerCatalog.Create(TestData.FastSpec(type, task), task, 0).Fit(train, valid, TestData.Context()).LossCurve!;

        Assert.Equal(task == TaskKind.Regression ? "rmse" : "log_loss", curve.Metric);
        Assert.Equal(Enumerable.Range(1, curve.Points.Count), curve.Points.Select(pt => pt.Iteration));
        Assert.InRange(curve.Points.Count, 10, type == "lightgbm" ? 30 : 20);
        Assert.True(curve.Points[^1].Train < curve.Points[0].Train);
        Assert.All(curve.Points, pt => Assert.True(double.IsFinite(pt.Train) && double.IsFinite(pt.Validation!.Value)));
    }

    [Fact]
    public void Fit_NoValidation_CurveHasTrainOnly()
    {
        var (train, _) = TestData.Split(TestData.Credit());
        var curve = TrainerCatalog.Create(TestData.FastSpec("lightgbm", TaskKind.Binary), TaskKind.Binary, 0).Fit(train, null, TestData.Context()).LossCurve!;

        Assert.All(curve.Points, pt => Assert.Null(pt.Validation));
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("fastforest")]
    [InlineData("zero_rule")]
    public void Fit_NotBoosted_NoCurve(string type)
    {
        var (train, valid) = TestData.Split(TestData.Credit());
        var result = TrainerCatalog.Create(new ModelSpec { Type = type, Options = TestData.FastSpec(type, TaskKind.Binary).Options }, TaskKind.Binary, 0)
            .Fit(train, valid, TestData.Context());

        Assert.Null(result.LossCurve);
    }
}
