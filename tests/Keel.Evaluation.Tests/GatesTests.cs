using Keel.Core;

namespace Keel.Evaluation.Tests;

public sealed class GatesTests
{
    private static readonly string[] Names = ["zero_rule", "lightgbm", "sdca"];

    private static readonly Dictionary<string, IReadOnlyDictionary<string, double>> Metrics = new()
    {
        ["zero_rule"] = new Dictionary<string, double> { ["auc"] = 0.5, ["log_loss"] = 0.69 },
        ["lightgbm"] = new Dictionary<string, double> { ["auc"] = 0.8512, ["log_loss"] = 0.41, ["accuracy"] = 0.8 },
        ["sdca"] = new Dictionary<string, double> { ["auc"] = 0.8512, ["log_loss"] = double.NaN },
    };

    private static GateResult One(string gate, string selected = "lightgbm", string metric = "auc") =>
        Assert.Single(Gates.Check([gate], selected, Metrics, metric));

    [Theory]
    [InlineData("auc >= 0.8", true)]
    [InlineData("auc >= 0.8512", true)]
    [InlineData("auc > 0.8512", false)]
    [InlineData("auc<=0.9", true)]
    [InlineData("auc < 0.85", false)]
    [InlineData("accuracy == 0.8", true)]
    [InlineData("log_loss <= 0.5", true)]
    [InlineData("  auc >= 8e-1  ", true)]
    public void Check_Threshold_ComparesSelectedModelsMetric(string gate, bool passed)
    {
        var r = One(gate);
        Assert.Equal(passed, r.Passed);
        Assert.Equal(gate, r.Gate);
    }

    [Fact]
    public void Check_Threshold_DetailShowsValueAndRequirement() =>
        Assert.Equal("auc = 0.8512 (needs >= 0.8)", One("auc >= 0.8").Detail);

    [Fact]
    public void Check_MetricMissingForSelectedModel_Fails()
    {
        var r = One("brier <= 0.2");
        Assert.False(r.Passed);
        Assert.Contains("brier", r.Detail);
        Assert.False(One("log_loss <= 1", selected: "sdca").Passed);
    }

    [Fact]
    public void Check_BeatsWorseCandidate_PassesWithBothFigures()
    {
        var r = One("beats: zero_rule");
        Assert.True(r.Passed);
        Assert.Equal("auc 0.8512 vs zero_rule 0.5", r.Detail);
    }

    [Fact]
    public void Check_BeatsLowerIsBetterMetric_UsesCatalogDirection()
    {
        Assert.True(One("beats: zero_rule", metric: "log_loss").Passed);
        Assert.False(One("beats: lightgbm", selected: "zero_rule", metric: "log_loss").Passed);
    }

    [Fact]
    public void Check_BeatsEqualCandidate_FailsBecauseBetterMeansStrictlyBetter() =>
        Assert.False(One("beats: sdca").Passed);

    [Fact]
    public void Check_BeatsItself_Fails() =>
        Assert.False(One("beats: lightgbm").Passed);

    [Fact]
    public void Check_SeveralGates_OneResultEachInOrder()
    {
        var results = Gates.Check(["auc >= 0.9", "beats: zero_rule"], "lightgbm", Metrics, "auc");
        Assert.Equal([false, true], results.Select(r => r.Passed));
    }

    [Fact]
    public void Parse_ValidGates_DoesNotThrow() =>
        Gates.Parse(["auc >= 0.8", "rmse < 3", "r2 > 0", "mape <= 0.1", "f1 == 1", "beats: zero_rule"], Names);

    [Theory]
    [InlineData("auc", "expected 'METRIC OP NUMBER'")]
    [InlineData("auc = 0.8", "expected 'METRIC OP NUMBER'")]
    [InlineData("auc >= high", "expected a number after '>=', got 'high'")]
    [InlineData("auc >= ", "expected a number")]
    [InlineData("aucc >= 0.8", "unknown metric 'aucc'; expected one of: accuracy")]
    [InlineData("beats: xgboost", "no model called 'xgboost'; models are: zero_rule, lightgbm, sdca")]
    [InlineData("beats:", "expected 'beats: CANDIDATE'")]
    public void Parse_BadGate_ThrowsNamingFieldAndExpectation(string gate, string expected)
    {
        var ex = Assert.Throws<KeelInputException>(() => Gates.Parse(["auc >= 0.5", gate], Names));
        Assert.StartsWith("register.gates[1]", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Check_MalformedGate_ThrowsKeelInputException() =>
        Assert.Throws<KeelInputException>(() => Gates.Check(["auc >> 1"], "lightgbm", Metrics, "auc"));

    [Fact]
    public void Check_BeatsCandidateWithoutTheMetric_PassesShowingUndefined()
    {
        var r = One("beats: sdca", metric: "log_loss");
        Assert.True(r.Passed);
        Assert.Equal("log_loss 0.41 vs sdca undefined", r.Detail);
    }

    [Fact]
    public void Check_SelectedModelWithoutMetrics_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => Gates.Check(["auc >= 0.5"], "ghost", Metrics, "auc"));
}
