using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Core.Models;

namespace Keel.Evaluation.Tests;

/// <summary>Properties every metric must have (perfect predictions score best) and the degenerate inputs.</summary>
public sealed class EvaluatorTests
{
    private static readonly string[] Two = ["no", "yes"];
    private static readonly string[] Three = ["a", "b", "c"];

    private static (EncodedLabels, Predictions) Classification(TaskKind task, string[] classes, int[] truth, double[][] probabilities) =>
        (new EncodedLabels { Task = task, Classes = classes, ClassIndices = truth },
         new Predictions { Task = task, Classes = classes, Probabilities = probabilities });

    private static double[] OneHot(int k, int c) => Enumerable.Range(0, k).Select(i => i == c ? 1.0 : 0.0).ToArray();

    [Fact]
    public void Evaluate_PerfectBinaryPredictions_EveryMetricAtItsBest()
    {
        int[] truth = [0, 1, 1, 0, 1, 0, 0];
        var (labels, predictions) = Classification(TaskKind.Binary, Two, truth, truth.Select(t => OneHot(2, t)).ToArray());

        var m = Evaluator.Evaluate(labels, predictions).Metrics;

        foreach (var name in new[] { "accuracy", "precision", "recall", "f1", "auc", "pr_auc" }) Assert.Equal(1.0, m[name]);
        Assert.Equal(0.0, m["brier"]);
        Assert.True(m["log_loss"] < 1e-15);
    }

    [Fact]
    public void Evaluate_PerfectMulticlassPredictions_EveryMetricAtItsBest()
    {
        int[] truth = [0, 1, 2, 2, 1, 0, 2];
        var (labels, predictions) = Classification(TaskKind.Multiclass, Three, truth, truth.Select(t => OneHot(3, t)).ToArray());

        var e = Evaluator.Evaluate(labels, predictions);

        foreach (var name in new[] { "accuracy", "macro_f1", "micro_f1", "weighted_f1", "auc_ovr_macro" }) Assert.Equal(1.0, e.Metrics[name]);
        Assert.True(e.Metrics["log_loss"] < 1e-15);
        Assert.Equal([[2, 0, 0], [0, 2, 0], [0, 0, 3]], e.ConfusionMatrix);
        Assert.All(e.PerClass, c => Assert.Equal(1.0, c.F1));
    }

    [Fact]
    public void Evaluate_PerfectRegression_ErrorsZeroAndR2One()
    {
        double[] y = [-3.5, 0.25, 7, 12.5];
        var m = Evaluator.Evaluate(new EncodedLabels { Task = TaskKind.Regression, Values = y },
            new Predictions { Task = TaskKind.Regression, Values = y }).Metrics;

        Assert.Equal(0.0, m["rmse"]);
        Assert.Equal(0.0, m["mae"]);
        Assert.Equal(0.0, m["mape"]);
        Assert.Equal(1.0, m["r2"]);
    }

    [Fact]
    public void Evaluate_EveryTask_MetricNamesAreInTheCatalogForThatTask()
    {
        var (bl, bp) = Classification(TaskKind.Binary, Two, [0, 1, 1], [[0.7, 0.3], [0.2, 0.8], [0.6, 0.4]]);
        var (ml, mp) = Classification(TaskKind.Multiclass, Three, [0, 1, 2], [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4]]);
        var reg = Evaluator.Evaluate(new EncodedLabels { Task = TaskKind.Regression, Values = [1, 2] },
            new Predictions { Task = TaskKind.Regression, Values = [1.5, 2] });

        foreach (var e in new[] { Evaluator.Evaluate(bl, bp), Evaluator.Evaluate(ml, mp), reg })
            Assert.All(e.Metrics.Keys, k => Assert.Contains(e.Task, MetricCatalog.Get(k).Tasks));
    }

    [Fact]
    public void Evaluate_BinaryTruthOfOneClass_OmitsAucAndPrAucWithoutThrowing()
    {
        var (labels, predictions) = Classification(TaskKind.Binary, Two, [1, 1, 1], [[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]]);

        var e = Evaluator.Evaluate(labels, predictions);

        Assert.False(e.Metrics.ContainsKey("auc"));
        Assert.False(e.Metrics.ContainsKey("pr_auc"));
        Assert.Empty(e.Roc);
        Assert.Equal(1.0 / 3, e.Metrics["accuracy"]);
    }

    [Fact]
    public void Evaluate_MulticlassTruthMissingAClass_OmitsOvrAuc()
    {
        var (labels, predictions) = Classification(TaskKind.Multiclass, Three, [0, 1, 0, 1],
            [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]);

        var e = Evaluator.Evaluate(labels, predictions);

        Assert.False(e.Metrics.ContainsKey("auc_ovr_macro"));
        Assert.Equal(0.5, e.Metrics["accuracy"]);
    }

    [Fact]
    public void Evaluate_EqualProbabilities_PredictsTheLowerClassIndex()
    {
        var (labels, predictions) = Classification(TaskKind.Binary, Two, [1, 0], [[0.5, 0.5], [0.5, 0.5]]);

        var e = Evaluator.Evaluate(labels, predictions);

        Assert.Equal([[1, 0], [1, 0]], e.ConfusionMatrix);
        Assert.Equal(0.0, e.Metrics["recall"]);
    }

    [Fact]
    public void Evaluate_ManyRegressionRows_ResidualsCappedAndEvenlySampled()
    {
        var y = Enumerable.Range(0, 5001).Select(i => (double)i).ToArray();
        var e = Evaluator.Evaluate(new EncodedLabels { Task = TaskKind.Regression, Values = y },
            new Predictions { Task = TaskKind.Regression, Values = y.Select(v => v + 1).ToArray() });

        Assert.InRange(e.Residuals.Count, 1000, 2000);
        Assert.Equal((0.0, 1.0), e.Residuals[0]);
        var steps = e.Residuals.Zip(e.Residuals.Skip(1), (a, b) => b.Actual - a.Actual).Distinct().ToArray();
        Assert.Single(steps);
    }

    [Fact]
    public void Evaluate_FewRegressionRows_KeepsEveryResidualInOrder()
    {
        var e = Evaluator.Evaluate(new EncodedLabels { Task = TaskKind.Regression, Values = [3, 1, 2] },
            new Predictions { Task = TaskKind.Regression, Values = [2.5, 1, 4] });

        Assert.Equal([(3.0, 2.5), (1.0, 1.0), (2.0, 4.0)], e.Residuals);
    }

    [Fact]
    public void Evaluate_EmptyInput_ThrowsArgumentException()
    {
        var (labels, predictions) = Classification(TaskKind.Binary, Two, [], []);

        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(labels, predictions));
    }

    [Fact]
    public void Evaluate_LengthMismatch_ThrowsArgumentExceptionNamingBothCounts()
    {
        var (labels, predictions) = Classification(TaskKind.Binary, Two, [0, 1], [[0.5, 0.5]]);

        var ex = Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(labels, predictions));

        Assert.Contains("2 labels but 1 predictions", ex.Message);
    }

    [Fact]
    public void Evaluate_ProbabilityRowOfWrongWidth_ThrowsArgumentException()
    {
        var (labels, predictions) = Classification(TaskKind.Multiclass, Three, [0, 2], [[0.5, 0.5], [0.2, 0.3, 0.5]]);

        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(labels, predictions));
    }

    [Fact]
    public void Evaluate_PredictionClassesInAnotherOrder_ThrowsArgumentException()
    {
        var labels = new EncodedLabels { Task = TaskKind.Binary, Classes = Two, ClassIndices = [0, 1] };
        var predictions = new Predictions { Task = TaskKind.Binary, Classes = ["yes", "no"], Probabilities = [[0.5, 0.5], [0.1, 0.9]] };

        var ex = Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(labels, predictions));

        Assert.Contains("differ from label classes", ex.Message);
    }

    [Fact]
    public void Evaluate_ClassIndexOutOfRange_ThrowsArgumentException()
    {
        var (labels, predictions) = Classification(TaskKind.Binary, Two, [0, 2], [[0.5, 0.5], [0.1, 0.9]]);

        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(labels, predictions));
    }

    [Fact]
    public void Evaluate_ClassificationWithoutProbabilities_ThrowsArgumentException()
    {
        var labels = new EncodedLabels { Task = TaskKind.Binary, Classes = Two, ClassIndices = [0, 1] };
        var predictions = new Predictions { Task = TaskKind.Binary, Classes = Two, Values = [0, 1] };

        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(labels, predictions));
    }
}
