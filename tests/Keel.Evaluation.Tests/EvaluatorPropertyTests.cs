using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Evaluation.Tests;

/// <summary>Properties every metric set must have whatever the data (see also EvaluatorTests for perfect predictions and bad input).</summary>
public sealed class EvaluatorPropertyTests
{
    private static (EncodedLabels, Predictions) Regression(double[] y, double[] p) =>
        (new EncodedLabels { Task = TaskKind.Regression, Values = y }, new Predictions { Task = TaskKind.Regression, Values = p });

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
    public void Evaluate_EmptyRegression_ThrowsArgumentException()
    {
        var (truth, predictions) = Regression([], []);
        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(truth, predictions));
    }
}
