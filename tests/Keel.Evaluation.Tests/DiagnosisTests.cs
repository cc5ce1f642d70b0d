using Keel.Evaluation.Diagnosis;

namespace Keel.Evaluation.Tests;

/// <summary>The bias/variance table and the capability/alignment quadrants, hand-computed.</summary>
public sealed class DiagnosisTests
{
    private const double Tol = 1e-12;

    [Fact]
    public void BiasVariance_AucWithHumanLevel_ErrorsAreOneMinusAucAndVarianceIsTheLargestGap()
    {
        var r = Diagnoses.BiasVariance("auc", 0.95, 0.85, 0.84, [("zero_rule", 0.5), ("random", 0.52)], 0.02);

        Assert.Equal(0.05, r.Train, Tol);
        Assert.Equal(0.15, r.Validation!.Value, Tol);
        Assert.Equal(0.16, r.Test, Tol);
        Assert.Equal("random", r.Baseline);
        Assert.Equal(0.48, r.BaselineTest!.Value, Tol);
        Assert.Equal(0.03, r.AvoidableBias!.Value, Tol);
        Assert.Equal(0.10, r.Variance!.Value, Tol);
        Assert.Equal(0.01, r.DataMismatch!.Value, Tol);
        Assert.StartsWith("Variance is the largest gap", r.Reading);
    }

    [Fact]
    public void BiasVariance_LossMetricWithMismatchLargest_ErrorsAreTheLossItself()
    {
        var r = Diagnoses.BiasVariance("rmse", 2.0, 2.1, 3.0, [("zero_rule", 5.0)], null);

        Assert.Equal(2.0, r.Train);
        Assert.Null(r.AvoidableBias);
        Assert.Equal(0.9, r.DataMismatch!.Value, Tol);
        Assert.StartsWith("Data mismatch is the largest gap", r.Reading);
    }

    [Fact]
    public void BiasVariance_HumanLevelFarBelowTraining_AvoidableBiasReading()
    {
        var r = Diagnoses.BiasVariance("accuracy", 0.70, 0.69, 0.69, [], 0.05);

        Assert.Equal(0.25, r.AvoidableBias!.Value, Tol);
        Assert.StartsWith("Avoidable bias is the largest gap", r.Reading);
    }

    [Fact]
    public void BiasVariance_TestNoBetterThanBaseline_ReadingSaysSoFirst()
    {
        var r = Diagnoses.BiasVariance("auc", 0.9, 0.6, 0.5, [("zero_rule", 0.5)], null);

        Assert.StartsWith("No better than the baseline zero_rule on test", r.Reading);
    }

    [Theory]
    [InlineData(0.40, 0.85, "best case")]
    [InlineData(0.40, 0.75, "small but misaligned errors")]
    [InlineData(0.60, 0.85, "large errors on some data")]
    [InlineData(0.60, 0.75, "large errors on much data")]
    [InlineData(0.50, 0.80, "no change")]
    public void Quadrant_AgainstLogLoss050Auc080_PlacedByTheSignsOfBothChanges(double logLoss, double auc, string expected)
    {
        var q = Diagnoses.Quadrant("a", new Dictionary<string, double> { ["log_loss"] = logLoss, ["auc"] = auc },
            "b", new Dictionary<string, double> { ["log_loss"] = 0.5, ["auc"] = 0.8 }, "auc")!;

        Assert.Equal(expected, q.Quadrant);
        Assert.Equal(logLoss - 0.5, q.LossChange, Tol);
        Assert.Equal(auc - 0.8, q.MetricChange, Tol);
    }

    [Fact]
    public void Quadrant_DecisionMetricIsALoss_ImprovementIsTheFall()
    {
        var q = Diagnoses.Quadrant("a", new Dictionary<string, double> { ["log_loss"] = 0.4, ["brier"] = 0.10 },
            "b", new Dictionary<string, double> { ["log_loss"] = 0.5, ["brier"] = 0.12 }, "brier")!;

        Assert.Equal(0.02, q.MetricChange, Tol);
        Assert.Equal("best case", q.Quadrant);
    }

    [Fact]
    public void Quadrant_Regression_NullWithoutLogLoss()
    {
        Assert.Null(Diagnoses.Quadrant("a", new Dictionary<string, double> { ["rmse"] = 1 }, "b", new Dictionary<string, double> { ["rmse"] = 2 }, "rmse"));
    }
}
