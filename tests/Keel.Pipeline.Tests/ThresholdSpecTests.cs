using Keel.Core;
using Keel.Core.Spec;
using Keel.Pipeline.Spec;

namespace Keel.Pipeline.Tests;

/// <summary>evaluation.threshold in the spec: each objective, and errors naming the line and field.</summary>
public sealed class ThresholdSpecTests
{
    private static EvaluationSpec Read(string threshold) =>
        SpecReader.Parse($"data: {{path: d.csv, label: y}}\nevaluation:\n  threshold: {threshold}\n", "keel.yaml").Evaluation;

    [Theory]
    [InlineData("{f_beta: 2}", "f_beta 2")]
    [InlineData("{precision: 0.9}", "precision ≥ 0.9")]
    [InlineData("{recall: 0.8}", "recall ≥ 0.8")]
    [InlineData("{costs: {fp: 1, fn: 5}}", "costs fp 1, fn 5")]
    public void Parse_ThresholdObjective_Read(string yaml, string expected)
    {
        Assert.Equal(expected, Read(yaml)!.Threshold!.ToString());
    }

    [Theory]
    [InlineData("{precision: 1.5}", "evaluation.threshold.precision': expected a target above 0 and at most 1, got 1.5")]
    [InlineData("{costs: {fp: 1}}", "evaluation.threshold.costs.fn': missing")]
    [InlineData("{f_beta: 1, recall: 0.5}", "evaluation.threshold': expected one of")]
    [InlineData("{accuracy: 0.5}", "evaluation.threshold.accuracy': unknown field")]
    public void Parse_BadThreshold_ErrorNamesLineAndField(string yaml, string expected)
    {
        var e = Assert.Throws<KeelInputException>(() => Read(yaml));

        Assert.Contains("keel.yaml line 3", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
