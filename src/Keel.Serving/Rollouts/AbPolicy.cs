using System.Globalization;
using Keel.Core;
using Keel.Core.Deployments;

namespace Keel.Serving.Rollouts;

/// <summary>
/// A/B test: a fixed sticky split; outcomes come from feedback; the sample per arm is planned up front from the minimum effect, alpha and
/// power, and the verdict is shown only once both arms reach it (looking earlier inflates false positives).
/// </summary>
internal sealed class AbPolicy : RolloutPolicy
{
    private OutcomeTally _champion = new();
    private OutcomeTally _challenger = new();

    public AbPolicy(DeploymentFile file, DeploymentState state, RolloutContext context) : base(file, state, context)
    {
        var s = file.Strategy;
        PlannedPerArm = s.Outcome == OutcomeKind.Numeric
            ? AbStatistics.SampleSizeNumeric(s.StandardDeviation, s.MinimumEffect, s.Alpha, s.Power)
            : AbStatistics.SampleSizeBinary(s.BaselineRate, s.MinimumEffect, s.Alpha, s.Power);
    }

    /// <summary>Outcomes needed per arm before the verdict is shown.</summary>
    public long PlannedPerArm { get; }

    protected override double StartPercent => File.Strategy.SplitPercent;

    /// <summary>A new attempt is a new test: the last attempt's outcomes (perhaps of another challenger) do not count towards it.</summary>
    protected override void OnStart() => (_champion, _challenger) = (new(), new());

    /// <summary>A test compares the arms over the same time, so another challenger starts both tallies again.</summary>
    protected override void OnChallengerReplaced() => OnStart();

    protected override RouteDecision RouteRunning(RequestContext request) =>
        new(Router.ToChallenger(request.RoutingKey, Current.ChallengerPercent) ? Arm.Challenger : Arm.Champion);

    protected override RolloutChange? OnFeedback(ArmFeedback feedback)
    {
        if (Reward(File.Strategy, feedback) is { } reward) (feedback.Arm == Arm.Champion ? _champion : _challenger).Add(reward);
        return null;
    }

    /// <summary>A feedback outcome as a number: 1 or 0 for binary outcomes (1 when it equals the positive value) and for correct ones (1 when
    /// it equals the answered label, case ignored; null when the answer is not known), the value itself for numeric ones.</summary>
    internal static double? Reward(StrategySpec s, ArmFeedback feedback) => s.Outcome switch
    {
        OutcomeKind.Binary => string.Equals(feedback.Outcome, s.Positive, StringComparison.Ordinal) ? 1 : 0,
        OutcomeKind.Correct => feedback.Answered is null ? null : string.Equals(feedback.Outcome, feedback.Answered, StringComparison.OrdinalIgnoreCase) ? 1 : 0,
        _ => double.TryParse(feedback.Outcome, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw new KeelInputException($"feedback outcome '{feedback.Outcome}': expected a number, because the A/B outcome is numeric"),
    };

    protected override RolloutReport ReportLocked(GuardSnapshot guards)
    {
        var a = _champion.Summary();
        var b = _challenger.Summary();
        AbVerdict? verdict = null;
        if (a.Count >= PlannedPerArm && b.Count >= PlannedPerArm)
            verdict = File.Strategy.Outcome == OutcomeKind.Numeric
                ? AbStatistics.Welch(a, b, File.Strategy.Alpha)
                : AbStatistics.TwoProportion(a, b, File.Strategy.Alpha);
        return new RolloutReport(guards, Ab: new AbReport(PlannedPerArm, a, b, verdict));
    }
}

/// <summary>
/// Multi-armed bandit over champion and challenger: Thompson sampling (a Beta(1 + successes, 1 + failures) draw per arm, the higher wins)
/// or epsilon-greedy (a random arm with probability epsilon, else the higher observed success rate). Rewards are binary, from feedback: the
/// positive outcome, or (outcome correct) an answer the feedback's label confirms.
/// </summary>
internal sealed class BanditPolicy(DeploymentFile file, DeploymentState state, RolloutContext context) : RolloutPolicy(file, state, context)
{
    private OutcomeTally _champion = new();
    private OutcomeTally _challenger = new();
    private long _championRouted;
    private long _challengerRouted;

    protected override double StartPercent => 50;

    /// <summary>A new attempt learns afresh: the last attempt's rewards (perhaps of another challenger) would steer its traffic.</summary>
    protected override void OnStart()
    {
        _championRouted = _challengerRouted = 0;
        (_champion, _challenger) = (new(), new());
    }

    protected override void OnChallengerReplaced() => _challenger = new();

    protected override RouteDecision RouteRunning(RequestContext request)
    {
        var challenger = File.Strategy.Algorithm == BanditAlgorithm.Thompson ? ThompsonPicksChallenger() : GreedyPicksChallenger();
        if (challenger) _challengerRouted++;
        else _championRouted++;
        return new RouteDecision(challenger ? Arm.Challenger : Arm.Champion);
    }

    private bool ThompsonPicksChallenger()
    {
        var (s1, f1) = Counts(_champion.Summary());
        var (s2, f2) = Counts(_challenger.Summary());
        var a = MathNet.Numerics.Distributions.Beta.Sample(Context.Random, 1 + s1, 1 + f1);
        var b = MathNet.Numerics.Distributions.Beta.Sample(Context.Random, 1 + s2, 1 + f2);
        return b > a;
    }

    private bool GreedyPicksChallenger()
    {
        if (Context.Random.NextDouble() < File.Strategy.Epsilon) return Context.Random.NextDouble() < 0.5;
        var a = _champion.Summary().Mean;
        var b = _challenger.Summary().Mean;
        // An arm with no reward yet is tried before being judged.
        if (double.IsNaN(b)) return true;
        return !double.IsNaN(a) && b > a;
    }

    private static (double Successes, double Failures) Counts(ArmSummary s) => s.Count == 0 ? (0, 0) : (s.Mean * s.Count, (1 - s.Mean) * s.Count);

    protected override RolloutChange? OnFeedback(ArmFeedback feedback)
    {
        if (AbPolicy.Reward(File.Strategy, feedback) is { } reward) (feedback.Arm == Arm.Champion ? _champion : _challenger).Add(reward);
        return null;
    }

    protected override RolloutReport ReportLocked(GuardSnapshot guards) =>
        new(guards, Bandit: new BanditReport(_championRouted, _challengerRouted, _champion.Summary(), _challenger.Summary()));
}
