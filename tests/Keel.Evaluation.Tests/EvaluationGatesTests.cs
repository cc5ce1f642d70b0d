using Keel.Core;
using Keel.Core.Data;
using Keel.Evaluation.Calibration;
using Keel.Evaluation.Fairness;
using Keel.Evaluation.Significance;
using Keel.Evaluation.Slices;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Tests;

/// <summary>Gates on the test evaluation: ece, every slice of a column, fairness on a column, beats significantly.</summary>
public sealed class EvaluationGatesTests
{
    private static readonly string[] Names = ["lgbm", "zero_rule"];
    private static readonly EvaluationOptions Options = new() { Slices = ["Home"], Sensitive = ["Marital"] };
    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics =
        new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["lgbm"] = new Dictionary<string, double> { ["auc"] = 0.83 },
            ["zero_rule"] = new Dictionary<string, double> { ["auc"] = 0.5 },
        };

    private static Interval I(double v) => new(v, v - 0.05, v + 0.05, 100);

    private static TestReport Report(string verdict = "better") => new()
    {
        Candidate = "lgbm",
        Rows = 900,
        Bootstrap = new BootstrapOptions(),
        Intervals = new Dictionary<string, Interval> { ["auc"] = I(0.83) },
        Calibration = new CalibrationResult(0.031, 0.15, [], [], null, null, null, null),
        Slices =
        [
            new SliceResult("Home", "owner", 400, new Dictionary<string, Interval> { ["auc"] = I(0.86) }),
            new SliceResult("Home", "rent", 200, new Dictionary<string, Interval> { ["auc"] = I(0.74) }),
        ],
        Fairness =
        [
            new FairnessResult("Marital", [new GroupRates("married", 600, 0.2, 0.6, 0.1, 0.7), new GroupRates("single", 200, 0.3, 0.8, 0.15, 0.6)],
                I(0.1), I(0.67), I(0.2), []),
        ],
        Comparisons = [new Comparison("lgbm", "zero_rule", "auc", 0.83, 0.5, 0.33, "delong", verdict == "better" ? 1e-6 : 0.4, verdict)],
    };

    private static GateResult One(string gate, TestReport? report = null)
    {
        Gates.Parse([gate], Names, TaskKind.Binary, Options);
        return Gates.Check([gate], "lgbm", Metrics, "auc", report ?? Report())[0];
    }

    [Fact]
    public void Check_EceBelowLimit_Passes() => Assert.True(One("ece <= 0.05").Passed);

    [Fact]
    public void Check_EceAboveLimit_FailsWithValue()
    {
        var r = One("ece <= 0.02");
        Assert.False(r.Passed);
        Assert.Contains("ece = 0.031", r.Detail);
    }

    [Fact]
    public void Check_OneSliceBelowLimit_FailsNamingTheSlice()
    {
        var r = One("auc >= 0.8 on every slice of Home");
        Assert.False(r.Passed);
        Assert.Contains("Home = rent", r.Detail);
        Assert.DoesNotContain("owner", r.Detail);
    }

    [Fact]
    public void Check_EverySliceAboveLimit_Passes() => Assert.True(One("auc >= 0.7 on every slice of Home").Passed);

    [Fact]
    public void Check_EverySliceWithASliceBelowMinimumSize_PassesOverItAndNamesIt()
    {
        var report = Report() with
        {
            Slices = [.. Report().Slices, new SliceResult("Home", "ignore", 7, new Dictionary<string, Interval>()) { BelowMinimum = true }],
        };

        var r = One("auc >= 0.7 on every slice of Home", report);

        Assert.True(r.Passed, r.Detail);
        Assert.Contains("on all 2 slices of Home", r.Detail);
        Assert.Contains("below the minimum slice size: Home = ignore (7 rows)", r.Detail);
    }

    [Fact]
    public void SliceMetricsCompute_SliceBelowMinRows_ListedWithoutMetrics()
    {
        var column = new StringColumn("Home", [.. Enumerable.Repeat("owner", 40), .. Enumerable.Repeat("ignore", 5)]);
        var y = Enumerable.Range(0, 45).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        var truth = new Keel.Core.Models.EncodedLabels { Task = TaskKind.Binary, Classes = ["a", "b"], ClassIndices = y };
        var p = new Keel.Core.Models.Predictions
        {
            Task = TaskKind.Binary, Classes = ["a", "b"], Probabilities = y.Select((t, i) => new[] { 0.6 - 0.01 * (i % 7), 0.4 + 0.01 * (i % 7) }).ToArray(),
        };

        var slices = SliceMetrics.Compute(column, truth, p, new BootstrapOptions { Resamples = 20 }, minRows: 30);

        var ignore = slices.Single(s => s.Value == "ignore");
        Assert.True(ignore.BelowMinimum);
        Assert.Equal(5, ignore.Rows);
        Assert.Empty(ignore.Metrics);
        var owner = slices.Single(s => s.Value == "owner");
        Assert.False(owner.BelowMinimum);
        Assert.True(owner.Metrics.ContainsKey("accuracy"));
    }

    [Fact]
    public void Check_EqualizedOddsAboveLimit_FailsNamingTheGroups()
    {
        var r = One("equalized_odds_difference <= 0.1 on Marital");
        Assert.False(r.Passed);
        Assert.Contains("Marital = married", r.Detail);
        Assert.Contains("Marital = single", r.Detail);
    }

    [Fact]
    public void Check_BeatsSignificantlyWhenBetter_Passes() => Assert.True(One("beats: zero_rule significantly").Passed);

    [Fact]
    public void Check_BeatsSignificantlyWhenTied_FailsWithPValue()
    {
        var r = One("beats: zero_rule significantly", Report("tied"));
        Assert.False(r.Passed);
        Assert.Contains("tied", r.Detail);
        Assert.Contains("p = 0.4", r.Detail);
    }

    [Fact]
    public void Check_EvaluationGateWithoutReport_FailsSayingWhy()
    {
        Assert.False(Gates.Check(["ece <= 0.05"], "lgbm", Metrics, "auc")[0].Passed);
    }

    [Theory]
    [InlineData("auc >= 0.8 on every slice of Job", "evaluation.slices")]
    [InlineData("equalized_odds_difference <= 0.1 on Home", "evaluation.sensitive")]
    [InlineData("equalized_odds_difference <= 0.1", "on COLUMN")]
    [InlineData("auc >= 0.8 on Home", "on every slice of COLUMN")]
    public void Parse_EvaluationGateWithWrongColumn_NamesTheGateAndField(string gate, string expected)
    {
        var e = Assert.Throws<KeelInputException>(() => Gates.Parse([gate], Names, TaskKind.Binary, Options));
        Assert.Contains("register.gates[0]", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
