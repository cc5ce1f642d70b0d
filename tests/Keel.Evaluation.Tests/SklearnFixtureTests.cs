using Keel.Core.Data;

namespace Keel.Evaluation.Tests;

/// <summary>Every figure of Evaluator.Evaluate against scikit-learn 1.2.1 on the committed fixtures.</summary>
public sealed class SklearnFixtureTests
{
    public static TheoryData<string> Cases() => new(MetricFixtures.All.Select(c => c.Name));

    public static TheoryData<string> BinaryCases() =>
        new(MetricFixtures.All.Where(c => c.Task == TaskKind.Binary).Select(c => c.Name));

    public static TheoryData<string> ClassificationCases() =>
        new(MetricFixtures.All.Where(c => c.Task != TaskKind.Regression).Select(c => c.Name));

    [Fact]
    public void Fixtures_CoverEveryTaskAndEdgeCase_AtLeastTwelve()
    {
        Assert.True(MetricFixtures.All.Count >= 12);
        Assert.Contains(MetricFixtures.All, c => c.Task == TaskKind.Multiclass && !c.ExpectedMetrics.ContainsKey("auc_ovr_macro"));
        Assert.Contains(MetricFixtures.All, c => c.Task == TaskKind.Regression && !c.ExpectedMetrics.ContainsKey("mape"));
        // A class in truth that is never predicted: a zero confusion column whose row is not empty.
        Assert.Contains(MetricFixtures.All, c => c.Task == TaskKind.Multiclass
            && c.IntMatrix("confusion") is var m && Enumerable.Range(0, m.Length).Any(k => m.All(r => r[k] == 0) && m[k].Sum() > 0));
        Assert.Contains(MetricFixtures.All, c => c.Task == TaskKind.Binary
            && c.Json.GetProperty("probabilities").EnumerateArray().Any(r => r[1].GetDouble() == 0.5));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_FixtureCase_MetricsMatchScikitLearn(string name)
    {
        var c = MetricFixtures.Get(name);
        var (truth, predictions) = c.Inputs();

        var result = Evaluator.Evaluate(truth, predictions);

        Assert.Equal(c.Task, result.Task);
        var expected = c.ExpectedMetrics;
        // Same key set: a metric scikit-learn cannot define here (mape with a zero label, OvR AUC with a class missing from truth) must be absent.
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), result.Metrics.Keys.Order(StringComparer.Ordinal));
        foreach (var (metric, value) in expected) Close.Equal(value, result.Metrics[metric], $"{name} {metric}");
    }

    [Theory]
    [MemberData(nameof(ClassificationCases))]
    public void Evaluate_FixtureCase_ConfusionMatrixAndPerClassMatchScikitLearn(string name)
    {
        var c = MetricFixtures.Get(name);
        var (truth, predictions) = c.Inputs();

        var result = Evaluator.Evaluate(truth, predictions);

        Assert.Equal(c.Ints("y_pred"), predictions.PredictedClassIndices());
        Assert.Equal(c.IntMatrix("confusion"), result.ConfusionMatrix);
        var precision = c.Doubles("per_class", "precision");
        var recall = c.Doubles("per_class", "recall");
        var f1 = c.Doubles("per_class", "f1");
        var support = c.Ints("per_class", "support");
        Assert.Equal(support.Length, result.PerClass.Count);
        for (var k = 0; k < support.Length; k++)
        {
            var r = result.PerClass[k];
            Assert.Equal(truth.Classes[k], r.Class);
            Close.Equal(precision[k], r.Precision, $"{name} class {k} precision");
            Close.Equal(recall[k], r.Recall, $"{name} class {k} recall");
            Close.Equal(f1[k], r.F1, $"{name} class {k} f1");
            Assert.Equal(support[k], r.Support);
        }
        if (c.Task == TaskKind.Multiclass)
        {
            Assert.Empty(result.Roc);
            Assert.Empty(result.PrecisionRecall);
        }
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Evaluate_BinaryFixtureCase_RocCurveMatchesScikitLearn(string name)
    {
        var c = MetricFixtures.Get(name);
        var (truth, predictions) = c.Inputs();

        var roc = Evaluator.Evaluate(truth, predictions).Roc;

        AssertCurve(name + " roc", c.Doubles("roc", "fpr"), c.Doubles("roc", "tpr"), c.Doubles("roc", "thresholds"), roc);
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Evaluate_BinaryFixtureCase_PrecisionRecallCurveMatchesScikitLearn(string name)
    {
        var c = MetricFixtures.Get(name);
        var (truth, predictions) = c.Inputs();

        var pr = Evaluator.Evaluate(truth, predictions).PrecisionRecall;

        // scikit-learn returns one threshold fewer than points; Keel's final (recall 0, precision 1) point carries NaN.
        var thresholds = c.Doubles("pr", "thresholds").Append(double.NaN).ToArray();
        AssertCurve(name + " pr", c.Doubles("pr", "recall"), c.Doubles("pr", "precision"), thresholds, pr);
        Assert.Equal(new CurvePoint(0, 1, double.NaN), pr[^1]);
    }

    private static void AssertCurve(string what, double[] x, double[] y, double[] threshold, IReadOnlyList<CurvePoint> curve)
    {
        Assert.Equal(x.Length, curve.Count);
        for (var i = 0; i < x.Length; i++)
        {
            Close.Equal(x[i], curve[i].X, $"{what}[{i}].X");
            Close.Equal(y[i], curve[i].Y, $"{what}[{i}].Y");
            // Thresholds are input scores (or the top score + 1), so they must match exactly.
            Assert.Equal(threshold[i], curve[i].Threshold);
        }
    }
}
