using Keel.Core.Deployments;
using Keel.Pipeline.Predict;

namespace Keel.Serving.Rollouts;

/// <summary>A parsed <c>keel.deploy.yaml</c>: one endpoint, its champion, an optional challenger and one rollout strategy.</summary>
public sealed record DeploymentFile
{
    /// <summary>The file name errors and events refer to.</summary>
    public required string Source { get; init; }

    /// <summary>The endpoint (deployment) name.</summary>
    public required string Endpoint { get; init; }

    /// <summary>The champion, e.g. "credit-risk@champion" or "credit-risk:3".</summary>
    public required ModelReference Champion { get; init; }

    /// <summary>The challenger; null when only the champion serves (strategy none).</summary>
    public ModelReference? Challenger { get; init; }

    /// <summary>The rollout strategy and its options.</summary>
    public required StrategySpec Strategy { get; init; }

    /// <summary>Where the sticky routing key comes from. Default null: no key, so each request is assigned at random (seeded).</summary>
    public RoutingKeySpec? RoutingKey { get; init; }

    /// <summary>Guards that roll the challenger back. Default <see cref="GuardOptions"/>'s defaults.</summary>
    public GuardOptions Guards { get; init; } = new();

    /// <summary>Human-in-the-loop mode at creation. Default <see cref="DeploymentMode.Partial"/> when a review threshold is given, else <see cref="DeploymentMode.Full"/>.</summary>
    public DeploymentMode Mode { get; init; } = DeploymentMode.Full;

    /// <summary>Answers under this confidence go to review (in partial mode). Default null: no threshold.</summary>
    public double? ReviewBelowConfidence { get; init; }

    /// <summary>Rules applied to every answer, in order. Default none.</summary>
    public IReadOnlyList<PostRuleSpec> PostProcessing { get; init; } = [];

    /// <summary>Seed of the routing and bandit randomness. Default 42.</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>Where the routing key is read: a request header or an input field (column).</summary>
public sealed record RoutingKeySpec(string? Header, string? Field);

/// <summary>The strategies a deployment can use.</summary>
public enum StrategyKind
{
    /// <summary>Champion only.</summary>
    None,
    /// <summary>The challenger gets a copy of every request off the hot path; its answers are never returned.</summary>
    Shadow,
    /// <summary>The challenger gets a growing sticky share, step by step, while guards hold.</summary>
    Canary,
    /// <summary>Both loaded; promote moves everything at once, rollback moves it back.</summary>
    BlueGreen,
    /// <summary>Fixed sticky split; a verdict once the planned sample is reached.</summary>
    Ab,
    /// <summary>Traffic follows rewards (Thompson sampling or epsilon-greedy).</summary>
    Bandit,
}

/// <summary>A strategy with its options; only the options of <see cref="Kind"/> are read.</summary>
public sealed record StrategySpec
{
    /// <summary>Which strategy.</summary>
    public required StrategyKind Kind { get; init; }

    /// <summary>Canary: challenger percentages in order. Default 5, 25, 50, 100.</summary>
    public IReadOnlyList<double> Steps { get; init; } = [5, 25, 50, 100];

    /// <summary>Canary: advance once guards held for this many challenger requests. Default 500 (when neither this nor a duration is given).</summary>
    public int? AdvanceAfterRequests { get; init; }

    /// <summary>Canary: advance once guards held for this long. Default null.</summary>
    public TimeSpan? AdvanceAfterDuration { get; init; }

    /// <summary>A/B: challenger percentage. Default 50.</summary>
    public double SplitPercent { get; init; } = 50;

    /// <summary>A/B and bandit: how a feedback outcome is read (binary, numeric for A/B, correct). Default binary.</summary>
    public OutcomeKind Outcome { get; init; } = OutcomeKind.Binary;

    /// <summary>A/B and bandit, binary outcome: the feedback value that counts as success. Default "1".</summary>
    public string Positive { get; init; } = "1";

    /// <summary>A/B: the smallest difference worth detecting (absolute: rate points for binary, units for numeric). Default 0.05.</summary>
    public double MinimumEffect { get; init; } = 0.05;

    /// <summary>A/B: significance level (two-sided). Default 0.05.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>A/B: power. Default 0.8.</summary>
    public double Power { get; init; } = 0.8;

    /// <summary>A/B binary or correct: the champion's expected success rate (for correct: its accuracy), for the sample size. Default 0.5
    /// (the largest sample).</summary>
    public double BaselineRate { get; init; } = 0.5;

    /// <summary>A/B numeric: the outcome's standard deviation, for the sample size. Default 1.</summary>
    public double StandardDeviation { get; init; } = 1;

    /// <summary>Bandit: the algorithm. Default Thompson sampling.</summary>
    public BanditAlgorithm Algorithm { get; init; } = BanditAlgorithm.Thompson;

    /// <summary>Bandit epsilon-greedy: the share of requests explored at random. Default 0.1.</summary>
    public double Epsilon { get; init; } = 0.1;
}

/// <summary>How feedback outcomes are measured.</summary>
public enum OutcomeKind
{
    /// <summary>Success or not: the outcome equals <see cref="StrategySpec.Positive"/> (two-proportion z-test; Beta-Bernoulli bandit).</summary>
    Binary,
    /// <summary>A number (Welch's t-test).</summary>
    Numeric,
    /// <summary>Whether the arm's answer was right: success when the outcome, a true label, equals the class the arm answered for that
    /// row (case ignored). Classifiers only; judged like <see cref="Binary"/>.</summary>
    Correct,
}

/// <summary>Bandit algorithms.</summary>
public enum BanditAlgorithm
{
    /// <summary>Beta-Bernoulli Thompson sampling.</summary>
    Thompson,
    /// <summary>Best mean reward, except a random arm with probability epsilon.</summary>
    EpsilonGreedy,
}

/// <summary>Limits that, once broken by the challenger, roll it back automatically (canary, blue-green, A/B, bandit).</summary>
public sealed record GuardOptions
{
    /// <summary>Largest share of challenger requests that may fail in the window. Default 0.05.</summary>
    public double MaxErrorRate { get; init; } = 0.05;

    /// <summary>Largest challenger p99 latency in milliseconds. Default null: no absolute limit.</summary>
    public double? MaxP99LatencyMs { get; init; }

    /// <summary>Largest ratio of challenger p99 latency to the champion's. Default 2.</summary>
    public double? MaxP99Ratio { get; init; } = 2;

    /// <summary>
    /// How far (milliseconds) the challenger's p99 must be over the champion's before <see cref="MaxP99Ratio"/> can break. Default 5: below
    /// a few milliseconds a ratio of p99s measures collections and busy cores; without it a 10% canary of a model against itself was rolled
    /// back on two cores every time (bench/rollouts/aa_canary.sh, docs/deployments.md).
    /// </summary>
    public double MinP99GapMs { get; init; } = 5;

    /// <summary>Largest population stability index of challenger scores against the champion's, judged on full windows. Default 0.25 (the usual "major shift").</summary>
    public double? MaxScoreShift { get; init; } = 0.25;

    /// <summary>
    /// How many recent requests per arm the guards look at. Default 1000: PSI of two samples of n from one distribution is about
    /// (2/n)·χ²₉, so at 1000 a false "major shift" (over 0.25) needs χ²₉ over 125, which does not happen; at 200 it would every few thousand checks.
    /// </summary>
    public int Window { get; init; } = 1000;

    /// <summary>How many challenger requests the window needs before guards judge. Default 50.</summary>
    public int MinRequests { get; init; } = 50;
}

/// <summary>One post-processing rule from the file.</summary>
/// <param name="Kind">override, clamp or coefficient.</param>
/// <param name="Text">The rule as written (override: the rule line; others: a readable form), recorded with each answer it changes.</param>
/// <param name="Line">The file line, for errors raised when the rule meets a model.</param>
/// <param name="Min">Clamp: lower bound, or null.</param>
/// <param name="Max">Clamp: upper bound, or null.</param>
/// <param name="Factor">Coefficient: the multiplier.</param>
/// <param name="Offset">Coefficient: added after multiplying.</param>
public sealed record PostRuleSpec(PostRuleKind Kind, string Text, int Line, double? Min = null, double? Max = null, double Factor = 1, double Offset = 0);

/// <summary>Kinds of post-processing rules.</summary>
public enum PostRuleKind
{
    /// <summary>A heuristic rule "condition -> outcome" that replaces the model's answer where it holds.</summary>
    Override,
    /// <summary>Regression: keep values within [min, max].</summary>
    Clamp,
    /// <summary>Regression: value × factor + offset.</summary>
    Coefficient,
}
