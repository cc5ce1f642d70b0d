using Keel.Core;

namespace Keel.Evaluation.Tests;

public sealed class GatesTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics =
        new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["gbm"] = new Dictionary<string, double> { ["auc"] = 0.85, ["log_loss"] = 0.4, ["brier"] = double.NaN },
            ["linear"] = new Dictionary<string, double> { ["auc"] = 0.80, ["log_loss"] = 0.5 },
            ["baseline"] = new Dictionary<string, double> { ["auc"] = 0.85 },
            ["broken"] = new Dictionary<string, double> { ["auc"] = double.NaN },
        };

    private static bool Passes(string gate, string selected = "gbm", string selection = "auc") =>
        Gates.Check([gate], selected, Metrics, selection).Single().Passed;

    [Theory]
    [InlineData("auc >= 0.85", true)]
    [InlineData("auc > 0.85", false)]
    [InlineData("auc <= 0.85", true)]
    [InlineData("auc < 0.85", false)]
    [InlineData("auc == 0.85", true)]
    [InlineData("auc >= 0.9", false)]
    [InlineData("log_loss < 0.5", true)]
    [InlineData("  log_loss<=0.39 ", false)]
    [InlineData("auc >= 8.5e-1", true)]
    public void Check_ThresholdGate_ComparesSelectedModelsMetric(string gate, bool expected) =>
        Assert.Equal(expected, Passes(gate));

    [Theory]
    [InlineData("recall.bad >= 0.6", true)]
    [InlineData("recall.bad >= 0.7", false)]
    [InlineData("recall.maybe >= 0.1", false)]
    public void Check_PerClassRecallGate_ReadsRecallOfThatClass(string gate, bool expected)
    {
        var metrics = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["gbm"] = new Dictionary<string, double> { ["auc"] = 0.8, ["recall.bad"] = 0.65 } };

        Gates.Parse([gate], ["gbm"], Keel.Core.Data.TaskKind.Binary);
        Assert.Equal(expected, Gates.Check([gate], "gbm", metrics, "auc").Single().Passed);
    }

    [Fact]
    public void Check_ThresholdGate_DetailShowsValueAndNeed()
    {
        var result = Gates.Check(["auc >= 0.9"], "gbm", Metrics, "auc").Single();
        Assert.Equal("auc >= 0.9", result.Gate);
        Assert.Equal("auc = 0.85 (needs >= 0.9)", result.Detail);
    }

    [Theory]
    [InlineData("brier <= 1")]
    [InlineData("pr_auc >= 0")]
    public void Check_MetricUndefinedForSelected_Fails(string gate)
    {
        var result = Gates.Check([gate], "gbm", Metrics, "auc").Single();
        Assert.False(result.Passed);
        Assert.Contains("undefined", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_BeatsWorseCandidate_Passes() => Assert.True(Passes("beats: linear"));

    [Fact]
    public void Check_BeatsEqualCandidate_FailsBecauseNotStrictlyBetter() => Assert.False(Passes("beats: baseline"));

    [Fact]
    public void Check_BeatsUsesSelectionMetricDirection_LowerLogLossWins()
    {
        Assert.True(Passes("beats: linear", "gbm", "log_loss"));
        Assert.False(Passes("beats: gbm", "linear", "log_loss"));
    }

    [Fact]
    public void Check_BeatsCandidateWithUndefinedMetric_Passes() => Assert.True(Passes("beats: broken"));

    [Fact]
    public void Check_BeatsWhenSelectedHasUndefinedMetric_Fails() => Assert.False(Passes("beats: linear", "broken"));

    [Fact]
    public void Check_BeatsItself_Fails() => Assert.False(Passes("beats: gbm"));

    [Fact]
    public void Check_SeveralGates_OneResultEachInOrder()
    {
        var results = Gates.Check(["auc >= 0.8", "beats: linear", "log_loss < 0.1"], "gbm", Metrics, "auc");
        Assert.Equal([true, true, false], results.Select(r => r.Passed));
    }

    [Theory]
    [InlineData("auc", "expected 'METRIC OP NUMBER'")]
    [InlineData("auc >= high", "expected a number after '>=', got 'high'")]
    [InlineData("auc >=", "expected a number")]
    [InlineData("auc >= NaN", "expected a number")]
    [InlineData("beats:", "expected 'beats: CANDIDATE'")]
    [InlineData("accuracyy >= 0.5", "unknown metric 'accuracyy'")]
    [InlineData("beats: forest", "no model called 'forest'")]
    public void Parse_MalformedGate_NamesFieldAndExpectation(string gate, string expected)
    {
        var ex = Assert.Throws<KeelInputException>(() => Gates.Parse(["auc >= 0.5", gate], ["gbm", "linear"]));
        Assert.StartsWith("register.gates[1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ValidGates_DoesNotThrow() =>
        Gates.Parse(["auc >= 0.5", "rmse < 3", "beats: linear", "r2 == 1"], ["gbm", "linear"]);

    [Fact]
    public void Check_UnknownCandidate_ThrowsNamingField()
    {
        var ex = Assert.Throws<KeelInputException>(() => Gates.Check(["beats: forest"], "gbm", Metrics, "auc"));
        Assert.StartsWith("register.gates[0]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MetricOfAnotherTask_ThrowsNamingGateAndTask()
    {
        var ex = Assert.Throws<KeelInputException>(() => Gates.Parse(["rmse < 3", "auc >= 0.8"], ["gbm"], Keel.Core.Data.TaskKind.Regression));
        Assert.Contains("register.gates[1]", ex.Message);
        Assert.Contains("regression", ex.Message);
        Assert.Contains("rmse", ex.Message);
    }
}
