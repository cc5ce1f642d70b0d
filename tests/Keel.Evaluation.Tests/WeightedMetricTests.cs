using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Evaluation.Tests;

/// <summary>Metrics with per-row weights against scikit-learn 1.2.1's sample_weight (Fixtures/weighted_fixtures.json, made by
/// make_weighted_fixtures.py); balanced accuracy and per-class recall unweighted are in metric_fixtures.json.</summary>
public sealed class WeightedMetricTests
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "weighted_fixtures.json"))).RootElement.Clone());

    public static TheoryData<string> Names() => new(Root.Value.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static (EncodedLabels, Predictions, double[]) Inputs(JsonElement c)
    {
        var weights = Doubles(c.GetProperty("weights"));
        if (c.GetProperty("task").GetString() == "regression")
        {
            return (new EncodedLabels { Task = TaskKind.Regression, Values = Doubles(c.GetProperty("y_true")) },
                new Predictions { Task = TaskKind.Regression, Values = Doubles(c.GetProperty("y_pred")) }, weights);
        }
        var k = c.GetProperty("classes").GetInt32();
        var task = k == 2 ? TaskKind.Binary : TaskKind.Multiclass;
        var classes = Enumerable.Range(0, k).Select(i => $"c{i}").ToArray();
        return (new EncodedLabels { Task = task, Classes = classes, ClassIndices = c.GetProperty("y_true").EnumerateArray().Select(x => x.GetInt32()).ToArray() },
            new Predictions { Task = task, Classes = classes, Probabilities = c.GetProperty("probabilities").EnumerateArray().Select(Doubles).ToArray() }, weights);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Evaluate_WeightedFixtureCase_MetricsMatchScikitLearnSampleWeight(string name)
    {
        var c = Root.Value.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        var (truth, predictions, weights) = Inputs(c);

        var result = Evaluator.Evaluate(truth, predictions, weights);

        var expected = c.GetProperty("metrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), result.Metrics.Keys.Order(StringComparer.Ordinal));
        foreach (var (metric, value) in expected) Close.Equal(value, result.Metrics[metric], $"{name} {metric}");
    }

    [Fact]
    public void Evaluate_UnitWeights_SameAsUnweighted()
    {
        var c = Root.Value.GetProperty("cases")[0];
        var (truth, predictions, weights) = Inputs(c);

        var plain = Evaluator.Evaluate(truth, predictions).Metrics;
        var unit = Evaluator.Evaluate(truth, predictions, Enumerable.Repeat(1.0, weights.Length).ToArray()).Metrics;

        Assert.Equal(plain.Keys.Order(StringComparer.Ordinal), unit.Keys.Order(StringComparer.Ordinal));
        foreach (var (metric, value) in plain) Close.Equal(value, unit[metric], metric);
    }

    [Fact]
    public void Evaluate_NegativeWeight_Refused()
    {
        var (truth, predictions, weights) = Inputs(Root.Value.GetProperty("cases")[0]);
        weights[3] = -1;

        var e = Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(truth, predictions, weights));

        Assert.Contains("0 or more", e.Message);
    }
}
