using Keel.Core.Data;

namespace Keel.Training.Tests;

public class LossCurveTests(TrainedModels fits) : IClassFixture<TrainedModels>
{
    public static TheoryData<string, TaskKind> BoostedTypesAndTasks() => new()
    {
        { "lightgbm", TaskKind.Binary }, { "lightgbm", TaskKind.Multiclass }, { "lightgbm", TaskKind.Regression },
        { "fasttree", TaskKind.Binary }, { "fasttree", TaskKind.Multiclass }, { "fasttree", TaskKind.Regression },
    };

    [Theory]
    [MemberData(nameof(BoostedTypesAndTasks))]
    public void Fit_Boosted_BestValidationPointEqualsModelLoss(string type, TaskKind task)
    {
        var (_, valid) = TestData.Split(TestData.ForTask(task));
        var result = fits.Get(type, task, withValidation: true);

        var curve = Assert.IsType<LossCurve>(result.LossCurve);
        var p = result.Model.Predict(valid.Features);
        var expected = task == TaskKind.Regression
            ? Losses.Rmse(p.Values!, valid.Labels.Values!)
            : Losses.LogLoss(p.Probabilities!, valid.Labels.ClassIndices!);
        var best = curve.Points[(result.BestIteration ?? curve.Points.Count) - 1].Validation!.Value;
        Assert.True(Math.Abs(best - expected) <= 1e-6 * Math.Abs(expected), $"curve {best} vs model {expected}");
    }

    [Theory]
    [MemberData(nameof(BoostedTypesAndTasks))]
    public void Fit_Boosted_CurveHasOnePointPerIterationAndTrainLossFalls(string type, TaskKind task)
    {
        var curve = fits.Get(type, task, withValidation: true).LossCurve!;

        Assert.Equal(task == TaskKind.Regression ? "rmse" : "log_loss", curve.Metric);
        Assert.Equal(Enumerable.Range(1, curve.Points.Count), curve.Points.Select(pt => pt.Iteration));
        Assert.InRange(curve.Points.Count, 10, type == "lightgbm" ? 30 : 20);
        Assert.True(curve.Points[^1].Train < curve.Points[0].Train);
        Assert.All(curve.Points, pt => Assert.True(double.IsFinite(pt.Train) && double.IsFinite(pt.Validation!.Value)));
    }

    [Fact]
    public void Fit_NoValidation_CurveHasTrainOnly()
    {
        var curve = fits.Get("lightgbm", TaskKind.Binary).LossCurve!;

        Assert.All(curve.Points, pt => Assert.Null(pt.Validation));
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("fastforest")]
    [InlineData("zero_rule")]
    public void Fit_NotBoosted_NoCurve(string type)
    {
        var result = fits.Get(type, TaskKind.Binary, withValidation: true);

        Assert.Null(result.LossCurve);
    }
}
