using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Evaluation.Tests;

/// <summary>Properties every metric set must have, whatever the data (in the spirit of scikit-learn's metrics/tests/test_common.py).</summary>
public sealed class EvaluatorPropertyTests
{
    private static readonly string[] Two = ["no", "yes"];
    private static readonly string[] Three = ["a", "b", "c"];

    private static (EncodedLabels, Predictions) Classification(TaskKind task, string[] classes, int[] y, double[][] p) =>
        (new EncodedLabels { Task = task, Classes = classes, ClassIndices = y },
         new Predictions { Task = task, Classes = classes, Probabilities = p });

    private static (EncodedLabels, Predictions) Regression(double[] y, double[] p) =>
        (new EncodedLabels { Task = TaskKind.Regression, Values = y }, new Predictions { Task = TaskKind.Regression, Values = p });

    private static double[][] OneHot(int[] y, int k) =>
        y.Select(c => Enumerable.Range(0, k).Select(j => j == c ? 1.0 : 0.0).ToArray()).ToArray();

    [Fact]
    public void Evaluate_PerfectBinaryPredictions_AccuracyAndAucOne()
    {
        int[] y = [0, 1, 1, 0, 1, 0, 0];
        var (truth, predictions) = Classification(TaskKind.Binary, Two, y, OneHot(y, 2));

        var m = Evaluator.Evaluate(truth, predictions).Metrics;

        Assert.Equal(1.0, m["accuracy"]);
        Assert.Equal(1.0, m["auc"]);
        Assert.Equal(1.0, m["pr_auc"]);
        Assert.Equal(1.0, m["f1"]);
        Assert.Equal(0.0, m["brier"]);
    }

    [Fact]
    public void Evaluate_PerfectMulticlassPredictions_AccuracyMacroF1AndAucOne()
    {
        int[] y = [0, 1, 2, 2, 1, 0, 2];
        var (truth, predictions) = Classification(TaskKind.Multiclass, Three, y, OneHot(y, 3));

        var m = Evaluator.Evaluate(truth, predictions).Metrics;

        Assert.Equal(1.0, m["accuracy"]);
        Assert.Equal(1.0, m["macro_f1"]);
        Assert.Equal(1.0, m["auc_ovr_macro"]);
    }

    [Fact]
    public void Evaluate_PerfectRegression_RmseZeroR2One()
    {
        double[] y = [-2.5, 0.5, 3, 7.25];
        var (truth, predictions) = Regression(y, y.ToArray());

        var m = Evaluator.Evaluate(truth, predictions).Metrics;

        Assert.Equal(0.0, m["rmse"]);
        Assert.Equal(0.0, m["mae"]);
        Assert.Equal(1.0, m["r2"]);
        Assert.Equal(0.0, m["mape"]);
    }

    public static TheoryData<string> Cases() => new(MetricFixtures.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_RowsPermuted_SameMetrics(string name)
    {
        var (truth, predictions) = MetricFixtures.Get(name).Inputs();
        var order = Enumerable.Range(0, truth.Count).ToArray();
        new Random(7).Shuffle(order);
        var shuffled = predictions with
        {
            Probabilities = predictions.Probabilities is null ? null : order.Select(i => predictions.Probabilities[i]).ToArray(),
            Values = predictions.Values is null ? null : order.Select(i => predictions.Values[i]).ToArray(),
        };

        var before = Evaluator.Evaluate(truth, predictions);
        var after = Evaluator.Evaluate(truth.Take(order), shuffled);

        Assert.Equal(before.Metrics.Keys.Order(StringComparer.Ordinal), after.Metrics.Keys.Order(StringComparer.Ordinal));
        foreach (var (metric, value) in before.Metrics) Close.Equal(value, after.Metrics[metric], $"{name} {metric}");
        Assert.Equal(before.ConfusionMatrix, after.ConfusionMatrix);
        Assert.Equal(before.Roc, after.Roc);
    }

    [Fact]
    public void Evaluate_EmptyClassification_ThrowsArgumentException()
    {
        var (truth, predictions) = Classification(TaskKind.Binary, Two, [], []);
        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(truth, predictions));
    }

    [Fact]
    public void Evaluate_EmptyRegression_ThrowsArgumentException()
    {
        var (truth, predictions) = Regression([], []);
        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(truth, predictions));
    }

    [Fact]
    public void Evaluate_LengthMismatch_ThrowsArgumentException()
    {
        var (truth, predictions) = Regression([1, 2, 3], [1, 2]);
        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(truth, predictions));
    }

    [Fact]
    public void Evaluate_ProbabilityRowOfWrongWidth_ThrowsArgumentException()
    {
        var (truth, predictions) = Classification(TaskKind.Multiclass, Three, [0, 1], [[0.5, 0.5], [0.2, 0.3, 0.5]]);
        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(truth, predictions));
    }

    [Fact]
    public void Evaluate_BinaryWithOneClassInTruth_LeavesAreasOut()
    {
        var (truth, predictions) = Classification(TaskKind.Binary, Two, [0, 0, 0], [[0.9, 0.1], [0.4, 0.6], [0.5, 0.5]]);

        var result = Evaluator.Evaluate(truth, predictions);

        Assert.False(result.Metrics.ContainsKey("auc"));
        Assert.False(result.Metrics.ContainsKey("pr_auc"));
        Assert.Empty(result.Roc);
        Assert.Equal(2.0 / 3.0, result.Metrics["accuracy"]);
    }

    [Fact]
    public void Evaluate_LargeRegression_ResidualsCappedAndInRowOrder()
    {
        var y = Enumerable.Range(0, 5001).Select(i => (double)i).ToArray();
        var (truth, predictions) = Regression(y, y.Select(v => v + 1).ToArray());

        var residuals = Evaluator.Evaluate(truth, predictions).Residuals;

        Assert.InRange(residuals.Count, 1000, 2000);
        Assert.Equal((0.0, 1.0), residuals[0]);
        Assert.True(residuals.Zip(residuals.Skip(1)).All(p => p.First.Actual < p.Second.Actual));
    }
}
