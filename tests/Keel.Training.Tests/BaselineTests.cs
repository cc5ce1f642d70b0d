using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;

namespace Keel.Training.Tests;

public class BaselineTests
{
    private static readonly Table Rows = new([new NumericColumn("x", Enumerable.Range(0, 400).Select(i => (double)i).ToArray())]);

    private static TrainingData Classes() => new(Rows, new EncodedLabels
    {
        Task = TaskKind.Multiclass, Classes = ["a", "b", "c"], ClassIndices = Enumerable.Range(0, 400).Select(i => i % 4 == 0 ? 0 : i % 4 == 1 ? 1 : 2).ToArray(),
    });

    private static IFittedModel Fit(string type, TrainingData data, int seed = 1) =>
        TrainerCatalog.Create(new ModelSpec { Type = type }, data.Labels.Task, 0).Fit(data, null, new TrainContext(seed, "t.csv")).Model;

    [Fact]
    public void ZeroRule_Classification_PredictsTrainPriors()
    {
        var p = Fit("zero_rule", Classes()).Predict(Rows);

        Assert.All(p.Probabilities!, row => Assert.Equal([0.25, 0.25, 0.5], row));
    }

    [Fact]
    public void ZeroRule_Regression_PredictsTrainMean()
    {
        var data = new TrainingData(Rows, new EncodedLabels { Task = TaskKind.Regression, Values = Enumerable.Range(0, 400).Select(i => (double)i).ToArray() });

        Assert.All(Fit("zero_rule", data).Predict(Rows).Values!, v => Assert.Equal(199.5, v));
    }

    [Fact]
    public void Random_Classification_OneHotDrawsFollowPriors()
    {
        var p = Fit("random", Classes()).Predict(Rows);

        Assert.All(p.Probabilities!, row => Assert.Equal(1.0, row.Max()));
        var shareOfC = p.PredictedClassIndices().Count(c => c == 2) / 400.0;
        Assert.InRange(shareOfC, 0.4, 0.6);
    }

    [Fact]
    public void Random_SameSeedSamePredictions_OtherSeedDiffers()
    {
        var a = Fit("random", Classes(), 1).Predict(Rows).PredictedClassIndices();
        var b = Fit("random", Classes(), 1).Predict(Rows).PredictedClassIndices();
        var c = Fit("random", Classes(), 2).Predict(Rows).PredictedClassIndices();

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Random_Regression_DrawsTrainLabels()
    {
        var labels = Enumerable.Range(0, 400).Select(i => i * 10.0).ToArray();
        var data = new TrainingData(Rows, new EncodedLabels { Task = TaskKind.Regression, Values = labels });

        Assert.All(Fit("random", data).Predict(Rows).Values!, v => Assert.Contains(v, labels));
    }
}
