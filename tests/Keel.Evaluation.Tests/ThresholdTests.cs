using Keel.Core;
using Keel.Core.Spec;
using Keel.Evaluation.Calibration;

namespace Keel.Evaluation.Tests;

/// <summary>Decision thresholds chosen on validation: F-beta, precision and recall targets, costs (hand-computed on 8 rows).</summary>
public class ThresholdTests
{
    // Scores descending: 0.9(1) 0.8(1) 0.7(0) 0.6(1) 0.5(0) 0.4(1) 0.3(0) 0.2(0); 4 positives.
    private static readonly int[] Truth = [0, 1, 0, 1, 1, 0, 1, 0];
    private static readonly double[] Scores = [0.3, 0.9, 0.5, 0.6, 0.8, 0.7, 0.4, 0.2];

    [Fact]
    public void Choose_F1_ThresholdWithTheHighestF1()
    {
        // At 0.6: tp 3, fp 1, fn 1 -> F1 0.75; at 0.4: tp 4, fp 2 -> 0.8; at 0.8: tp 2 -> 0.667. Best 0.4.
        var c = Thresholds.Choose(Truth, Scores, new ThresholdObjective("f_beta", 1));

        Assert.Equal(0.4, c.Threshold);
        Assert.Equal(0.8, c.Value, 12);
        Assert.Equal(4 / 6.0, c.Precision, 12);
        Assert.Equal(1, c.Recall);
    }

    [Fact]
    public void Choose_FHalf_FavoursPrecision()
    {
        // F0.5 = 1.25 tp / (1.25 tp + 0.25 fn + fp): at 0.8: 2.5/(2.5+0.5) = 0.833; at 0.6: 3.75/(3.75+0.25+1) = 0.75.
        var c = Thresholds.Choose(Truth, Scores, new ThresholdObjective("f_beta", 0.5));

        Assert.Equal(0.8, c.Threshold);
        Assert.Equal(2.5 / 3.0, c.Value, 12);
    }

    [Fact]
    public void Choose_PrecisionTarget_MostRecallAtThatPrecision()
    {
        // Precision >= 0.75: at 0.6 (3/4, recall 0.75); at 0.4 it is 4/6. Lowest qualifying threshold 0.6.
        var c = Thresholds.Choose(Truth, Scores, new ThresholdObjective("precision", 0.75));

        Assert.Equal(0.6, c.Threshold);
        Assert.Equal(0.75, c.Value, 12);
    }

    [Fact]
    public void Choose_RecallTarget_HighestThresholdReachingIt()
    {
        var c = Thresholds.Choose(Truth, Scores, new ThresholdObjective("recall", 0.75));

        Assert.Equal(0.6, c.Threshold);
        Assert.Equal(0.75, c.Value, 12); // precision 3/4
    }

    [Fact]
    public void Choose_Costs_LeastTotalCost()
    {
        // fp 1, fn 5: at 0.4: fp 2, fn 0 -> 2; at 0.6: fp 1, fn 1 -> 6; nothing positive: 20. Best 0.4, mean cost 2/8.
        var c = Thresholds.Choose(Truth, Scores, new ThresholdObjective("costs", 0, 1, 5));

        Assert.Equal(0.4, c.Threshold);
        Assert.Equal(0.25, c.Value, 12);
    }

    [Fact]
    public void Choose_CostlyFalsePositives_StopsBeforeTheFirstNegative()
    {
        // fp 100, fn 1: at 0.8: fn 2 -> 2; nothing positive: 4; any lower threshold takes a false positive.
        var c = Thresholds.Choose(Truth, Scores, new ThresholdObjective("costs", 0, 100, 1));

        Assert.Equal(0.8, c.Threshold);
        Assert.Equal(0.25, c.Value, 12);
    }

    [Fact]
    public void Choose_NoPositivesWorthTheirCost_ThresholdAboveEveryScore()
    {
        var c = Thresholds.Choose([0, 0, 1], [0.9, 0.8, 0.1], new ThresholdObjective("costs", 0, 10, 1));

        Assert.True(c.Threshold > 0.9);
        Assert.Equal(1 / 3.0, c.Value, 12);
    }

    [Fact]
    public void Choose_UnreachablePrecision_ErrorNamesTheFieldAndBestReached()
    {
        var e = Assert.Throws<KeelInputException>(() => Thresholds.Choose([1, 0, 1], [0.5, 0.9, 0.1], new ThresholdObjective("precision", 0.99)));

        Assert.Contains("evaluation.threshold", e.Message);
        Assert.Contains("precision ≥ 0.99", e.Message);
    }
}
