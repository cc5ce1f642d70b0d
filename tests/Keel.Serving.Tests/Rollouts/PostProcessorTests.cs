using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Deployments;
using Keel.Core.Models;
using Keel.Serving.Rollouts;

namespace Keel.Serving.Tests.Rollouts;

public sealed class PostProcessorTests
{
    private static PostProcessor Rules(string rules) => PostProcessor.Create(DeploymentFileReader.Parse(
        $"endpoint: credit\nchampion: credit-risk@champion\npost_processing:\n{rules}", "keel.deploy.yaml"));

    private static readonly Table Inputs = new([
        new NumericColumn("Income", [5, 50, double.NaN, 8]),
        new StringColumn("Region", ["north", "south", "north", null]),
    ]);

    private static Predictions Binary() => new()
    {
        Task = TaskKind.Binary,
        Classes = ["good", "bad"],
        Probabilities = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8]],
    };

    [Fact]
    public void Apply_OverrideOnClassifier_MatchingRowsCertainAndChangedOnesMarked()
    {
        var r = Rules("  - override: \"Income < 10 -> bad\"\n").Apply(Inputs, Binary());
        Assert.Equal([1, 0, 1, 1], r.Predictions.PredictedClassIndices());
        Assert.Equal([0.0, 1.0], r.Predictions.Probabilities![0]);
        Assert.Equal([0.8, 0.2], r.Predictions.Probabilities![1]);
        // Row 3 was already "bad": overridden but not changed, so not marked; the missing income (row 2) never matches.
        Assert.Equal([new AnswerChange(0, "Income < 10 -> bad", "good", "bad")], r.Changes);
        Assert.Equal([0.9, 0.1], Binary().Probabilities![0]);
    }

    [Fact]
    public void Apply_TwoOverrides_FirstMatchWins()
    {
        var r = Rules("  - override: \"Region == 'north' -> good\"\n  - override: \"Income < 10 -> bad\"\n").Apply(Inputs, Binary());
        Assert.Equal([0, 0, 0, 1], r.Predictions.PredictedClassIndices());
        Assert.Equal([2], r.Changes.Select(c => c.Row));
    }

    [Fact]
    public void Apply_RegressionOverrideClampCoefficient_InOrderEachChangeMarked()
    {
        var p = new Predictions { Task = TaskKind.Regression, Values = [-3, 40, 120, 10] };
        var r = Rules("  - override: \"Income > 40 -> 0\"\n  - clamp: {min: 0, max: 100}\n  - coefficient: 2\n").Apply(Inputs, p);
        Assert.Equal([0.0, 0, 200, 20], r.Predictions.Values!);
        Assert.Equal(["Income > 40 -> 0|1|40|0", "clamp [0, 100]|0|-3|0", "clamp [0, 100]|2|120|100", "× 2|2|100|200", "× 2|3|10|20"],
            r.Changes.Select(c => $"{c.Rule}|{c.Row}|{c.Before}|{c.After}"));
    }

    [Fact]
    public void Apply_ClampOnClassifier_ThrowsInputNamingFileLineAndRule()
    {
        var e = Assert.Throws<KeelInputException>(() => Rules("  - clamp: {max: 1}\n").Apply(Inputs, Binary()));
        Assert.Contains("keel.deploy.yaml line 4, post_processing rule 'clamp [-inf, 1]': clamp applies to regression models; this model is binary", e.Message);
    }

    [Fact]
    public void Apply_UnknownClassOrColumn_ThrowsInputNamingThem()
    {
        Assert.Contains("outcome 'rejected' is not a class of the model; expected one of good, bad",
            Assert.Throws<KeelInputException>(() => Rules("  - override: \"Income < 10 -> rejected\"\n").Apply(Inputs, Binary())).Message);
        Assert.Contains("column 'Salary' is not in the request",
            Assert.Throws<KeelInputException>(() => Rules("  - override: \"Salary < 10 -> bad\"\n").Apply(Inputs, Binary())).Message);
    }

    [Theory]
    [InlineData(DeploymentMode.Shadow, 0.99, true)]
    [InlineData(DeploymentMode.Assist, 0.99, true)]
    [InlineData(DeploymentMode.Partial, 0.69, true)]
    [InlineData(DeploymentMode.Partial, 0.7, false)]
    [InlineData(DeploymentMode.Partial, double.NaN, false)]
    [InlineData(DeploymentMode.Full, 0.1, false)]
    public void NeedsReview_ModeAndConfidence_AsDocumented(DeploymentMode mode, double confidence, bool expected) =>
        Assert.Equal(expected, ReviewRule.NeedsReview(mode, 0.7, confidence));

    [Fact]
    public void Confidences_Classifier_HighestProbability() =>
        Assert.Equal([0.9, 0.8, 0.7, 0.8], ReviewRule.Confidences(Binary()));
}
