namespace Keel.Evaluation.Tests;

/// <summary>Every metric, matrix and curve against scikit-learn 1.2.1's figures in Fixtures/metric_fixtures.json.</summary>
public sealed class EvaluatorFixtureTests
{
    public static TheoryData<string> Binary => MetricFixtures.Names("binary");
    public static TheoryData<string> Multiclass => MetricFixtures.Names("multiclass");
    public static TheoryData<string> Regression => MetricFixtures.Names("regression");

    [Theory]
    [MemberData(nameof(Binary))]
    [MemberData(nameof(Multiclass))]
    [MemberData(nameof(Regression))]
    public void Evaluate_FixtureCase_MetricsEqualScikitLearn(string name)
    {
        var c = MetricFixtures.All[name];
        var evaluation = Evaluator.Evaluate(c.Truth, c.Predictions);

        Assert.Equal(c.Task, evaluation.Task);
        // The same metric set: undefined metrics (one-class AUC, MAPE with a zero label) are left out, never invented.
        Assert.Equal(c.Metrics.Keys.Order(), evaluation.Metrics.Keys.Order());
        foreach (var (metric, expected) in c.Metrics)
            Close.Equal(expected, evaluation.Metrics[metric], $"{name} {metric}");
    }

    [Theory]
    [MemberData(nameof(Binary))]
    [MemberData(nameof(Multiclass))]
    public void Evaluate_FixtureCase_ConfusionMatrixAndPerClassEqualScikitLearn(string name)
    {
        var c = MetricFixtures.All[name];
        var evaluation = Evaluator.Evaluate(c.Truth, c.Predictions);

        Assert.Equal(c.Confusion, evaluation.ConfusionMatrix);
        Assert.Equal(c.Truth.Classes, evaluation.Classes);
        Assert.Equal(c.PerClass.Count, evaluation.PerClass.Count);
        for (var i = 0; i < c.PerClass.Count; i++)
        {
            var (precision, recall, f1, support) = c.PerClass[i];
            var actual = evaluation.PerClass[i];
            Assert.Equal(c.Truth.Classes[i], actual.Class);
            Assert.Equal(support, actual.Support);
            Close.Equal(precision, actual.Precision, $"{name} class {i} precision");
            Close.Equal(recall, actual.Recall, $"{name} class {i} recall");
            Close.Equal(f1, actual.F1, $"{name} class {i} f1");
        }
    }

    [Theory]
    [MemberData(nameof(Binary))]
    public void Evaluate_BinaryFixtureCase_CurvesEqualScikitLearnExactly(string name)
    {
        var c = MetricFixtures.All[name];
        var evaluation = Evaluator.Evaluate(c.Truth, c.Predictions);

        if (c.Roc is not { } roc || c.PrecisionRecall is not { } pr)
        {
            Assert.Empty(evaluation.Roc);
            Assert.Empty(evaluation.PrecisionRecall);
            return;
        }
        Assert.Equal(roc.X, evaluation.Roc.Select(p => p.X));
        Assert.Equal(roc.Y, evaluation.Roc.Select(p => p.Y));
        Assert.Equal(roc.Thresholds, evaluation.Roc.Select(p => p.Threshold));
        Assert.Equal(pr.X, evaluation.PrecisionRecall.Select(p => p.X));
        Assert.Equal(pr.Y, evaluation.PrecisionRecall.Select(p => p.Y));
        // scikit-learn returns one threshold fewer than points: the closing (recall 0, precision 1) point has none.
        Assert.Equal(pr.Thresholds, evaluation.PrecisionRecall.SkipLast(1).Select(p => p.Threshold));
        Assert.True(double.IsNaN(evaluation.PrecisionRecall[^1].Threshold));
    }

    [Fact]
    public void Fixtures_Loaded_CoverEveryTaskAndMetric()
    {
        Assert.True(MetricFixtures.All.Count >= 12);
        var covered = MetricFixtures.All.Values.SelectMany(c => c.Metrics.Keys).ToHashSet();
        Assert.Equal(Keel.Core.Metrics.MetricCatalog.All.Keys.Order(), covered.Order());
    }
}
