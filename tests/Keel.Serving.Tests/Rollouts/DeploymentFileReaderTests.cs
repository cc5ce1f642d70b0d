using Keel.Core;
using Keel.Core.Deployments;
using Keel.Pipeline.Predict;
using Keel.Serving.Rollouts;

namespace Keel.Serving.Tests.Rollouts;

public sealed class DeploymentFileReaderTests
{
    private const string Full = """
        endpoint: credit
        champion: credit-risk@champion
        challenger: credit-risk:7
        routing_key: {header: X-Customer-Id}
        strategy:
          canary:
            steps: [5, 25, 50, 100]
            advance_after: {requests: 300, duration: 15m}
        guards:
          max_error_rate: 0.02
          max_p99_latency_ms: 250
          min_p99_gap_ms: 1.5
          max_score_shift: 0.2
          window: 400
          min_requests: 100
        review: {below_confidence: 0.7}
        post_processing:
          - override: "Income < 10 -> bad"
          - clamp: {min: 0}
          - coefficient: {factor: 1.05, offset: -2}
        seed: 9
        """;

    private static KeelInputException Error(string yaml) =>
        Assert.Throws<KeelInputException>(() => DeploymentFileReader.Parse(yaml, "keel.deploy.yaml"));

    [Fact]
    public void Parse_FullFile_EveryFieldRead()
    {
        var f = DeploymentFileReader.Parse(Full, "keel.deploy.yaml");
        Assert.Equal(("credit", "credit-risk@champion", "credit-risk:7", StrategyKind.Canary), (f.Endpoint, f.Champion.ToString(), f.Challenger!.ToString(), f.Strategy.Kind));
        Assert.Equal([5.0, 25, 50, 100], f.Strategy.Steps);
        Assert.Equal((300, TimeSpan.FromMinutes(15)), (f.Strategy.AdvanceAfterRequests, f.Strategy.AdvanceAfterDuration));
        Assert.Equal(new RoutingKeySpec("X-Customer-Id", null), f.RoutingKey);
        Assert.Equal(new GuardOptions { MaxErrorRate = 0.02, MaxP99LatencyMs = 250, MinP99GapMs = 1.5, MaxScoreShift = 0.2, Window = 400, MinRequests = 100 }, f.Guards);
        Assert.Equal((0.7, DeploymentMode.Partial, 9), (f.ReviewBelowConfidence, f.Mode, f.Seed));
        Assert.Equal([PostRuleKind.Override, PostRuleKind.Clamp, PostRuleKind.Coefficient], f.PostProcessing.Select(r => r.Kind));
        Assert.Equal(("Income < 10 -> bad", 18), (f.PostProcessing[0].Text, f.PostProcessing[0].Line));
        Assert.Equal((1.05, -2.0), (f.PostProcessing[2].Factor, f.PostProcessing[2].Offset));
    }

    [Fact]
    public void Parse_MonitorSection_AcceptedAndLeftToTheAlertReader()
    {
        var file = DeploymentFileReader.Parse("endpoint: credit\nchampion: credit-risk@champion\nmonitor:\n  alerts: [\"p99_ms > 50\"]\n", "deploy.yaml");
        Assert.Equal("credit", file.Endpoint);
    }

    [Theory]
    [InlineData("bandit: {outcome: correct}", OutcomeKind.Correct)]
    [InlineData("ab: {outcome: correct}", OutcomeKind.Correct)]
    [InlineData("bandit: {algorithm: epsilon_greedy}", OutcomeKind.Binary)]
    public void Parse_Outcome_ReadForAbAndBandit(string strategy, OutcomeKind expected) =>
        Assert.Equal(expected, DeploymentFileReader.Parse($"endpoint: e\nchampion: a@champion\nchallenger: a@c\nstrategy: {{{strategy}}}\n", "keel.deploy.yaml").Strategy.Outcome);

    [Fact]
    public void Parse_ChampionOnly_StrategyNoneModeFull()
    {
        var f = DeploymentFileReader.Parse("endpoint: churn\nchampion: churn@champion\n", "d.yaml");
        Assert.Equal((StrategyKind.None, (ModelReference?)null, DeploymentMode.Full), (f.Strategy.Kind, f.Challenger, f.Mode));
    }

    [Theory]
    [InlineData("endpoint: credit\n", "keel.deploy.yaml line 1, field 'champion': missing")]
    [InlineData("endpoint: credit\nchampion: credit risk\n", "keel.deploy.yaml line 2, field 'champion': expected a registered model as NAME@ALIAS")]
    [InlineData("endpoint: Credit\nchampion: a@champion\n", "line 1, field 'endpoint': expected a lower-case letter")]
    [InlineData("endpoint: credit\nchampion: a@champion\nchalenger: a@b\n", "line 3, field 'chalenger': unknown field; expected one of")]
    [InlineData("endpoint: credit\nchampion: a@champion\nstrategy: canary\n", "line 3, field 'challenger': missing; strategy canary needs a challenger")]
    [InlineData("endpoint: credit\nchampion: a@champion\nchallenger: a@c\nstrategy: rainbow\n", "line 4, field 'strategy': expected one of none, shadow, canary")]
    [InlineData("endpoint: credit\nchampion: a@champion\nchallenger: a@c\nstrategy:\n  canary: {steps: [5, 50, 25, 100]}\n", "line 5, field 'strategy.canary.steps[2]': expected a percentage above the previous step (50), got 25")]
    [InlineData("endpoint: credit\nchampion: a@champion\nchallenger: a@c\nstrategy:\n  canary: {steps: [5, 50]}\n", "field 'strategy.canary.steps[1]': expected the last step to be 100")]
    [InlineData("endpoint: credit\nchampion: a@champion\nchallenger: a@c\nstrategy:\n  canary: {advance_after: {duration: soon}}\n", "field 'strategy.canary.advance_after.duration': expected a duration such as 30s, 10m or 2h, got 'soon'")]
    [InlineData("endpoint: credit\nchampion: a@champion\nchallenger: a@c\nstrategy:\n  ab: {power: 1.5}\n", "line 5, field 'strategy.ab.power': expected a probability above 0 and below 1")]
    [InlineData("endpoint: credit\nchampion: a@champion\nchallenger: a@c\nstrategy:\n  bandit: {algorithm: ucb}\n", "field 'strategy.bandit.algorithm': expected thompson or epsilon_greedy, got 'ucb'")]
    [InlineData("endpoint: credit\nchampion: a@champion\nchallenger: a@c\nstrategy:\n  bandit: {outcome: numeric}\n", "line 5, field 'strategy.bandit.outcome': expected binary or correct")]
    [InlineData("endpoint: credit\nchampion: a@champion\nchallenger: a@c\nstrategy:\n  ab: {outcome: right}\n", "line 5, field 'strategy.ab.outcome'")]
    [InlineData("endpoint: credit\nchampion: a@champion\nreview: {below_confidence: 70}\n", "line 3, field 'review.below_confidence': expected a confidence above 0 and below 1")]
    [InlineData("endpoint: credit\nchampion: a@champion\nmode: auto\n", "line 3, field 'mode': expected one of shadow, assist, partial, full, got 'auto'")]
    [InlineData("endpoint: credit\nchampion: a@champion\nguards: {min_p99_gap_ms: -1}\n", "line 3, field 'guards.min_p99_gap_ms': expected a number of milliseconds from 0, got -1")]
    [InlineData("endpoint: credit\nchampion: a@champion\nguards: {window: 10, min_requests: 50}\n", "field 'guards.min_requests': expected at most guards.window (10), got 50")]
    [InlineData("endpoint: credit\nchampion: a@champion\npost_processing:\n  - override: \"Income < -> bad\"\n", "keel.deploy.yaml line 4, field 'post_processing[0].override' 'Income < -> bad': expected a number or a string")]
    [InlineData("endpoint: credit\nchampion: a@champion\npost_processing:\n  - clamp: {min: 5, max: 1}\n", "line 4, field 'post_processing[0].clamp': expected min (5) at most max (1)")]
    [InlineData("endpoint: [credit\n", "keel.deploy.yaml line 2: not valid YAML")]
    [InlineData("", "keel.deploy.yaml: the deployment file is empty")]
    public void Parse_BadField_ErrorNamesFileLineAndField(string yaml, string expected) =>
        Assert.Contains(expected, Error(yaml).Message);

    [Fact]
    public void ReadFile_Missing_ErrorNamesPath()
    {
        var path = Path.Combine(Path.GetTempPath(), "keel-no-such", "keel.deploy.yaml");
        Assert.Contains(path, Assert.Throws<KeelInputException>(() => DeploymentFileReader.ReadFile(path)).Message);
    }
}
