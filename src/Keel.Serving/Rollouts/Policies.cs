using Keel.Core.Deployments;

namespace Keel.Serving.Rollouts;

/// <summary>Champion only: no challenger, nothing to roll out.</summary>
internal sealed class ChampionOnlyPolicy(DeploymentFile file, DeploymentState state, RolloutContext context) : RolloutPolicy(file, state, context)
{
    protected override bool Guarded => false;

    protected override double StartPercent => 0;

    protected override RouteDecision RouteRunning(RequestContext request) => new(Arm.Champion);
}

/// <summary>Shadow: the champion answers; the challenger gets a copy of every request off the hot path, and agreement is tracked.</summary>
internal sealed class ShadowPolicy(DeploymentFile file, DeploymentState state, RolloutContext context) : RolloutPolicy(file, state, context)
{
    private readonly AgreementTracker _agreement = new();

    protected override bool Guarded => false;

    protected override double StartPercent => 0;

    protected override RouteDecision RouteRunning(RequestContext request) => new(Arm.Champion, Arm.Challenger);

    protected override void OnShadowPair(ArmOutcome champion, ArmOutcome challenger) => _agreement.Add(champion, challenger);

    protected override RolloutReport ReportLocked(GuardSnapshot guards) => new(guards, Agreement: _agreement.Report());
}

/// <summary>Blue-green: both loaded; the champion serves until promote moves everything at once, and rollback (by hand or by a guard) moves it back.</summary>
internal sealed class BlueGreenPolicy(DeploymentFile file, DeploymentState state, RolloutContext context) : RolloutPolicy(file, state, context)
{
    protected override double StartPercent => 0;

    protected override RouteDecision RouteRunning(RequestContext request) => new(Arm.Champion);
}

/// <summary>
/// Canary: the challenger gets the current step's share, sticky by routing key; once the guards have held for the configured number of
/// challenger requests or time (whichever comes first), the next step begins; the last step (100%) is a promotion.
/// </summary>
internal sealed class CanaryPolicy : RolloutPolicy
{
    /// <summary>Challenger requests per step when the file gives neither a count nor a duration.</summary>
    public const int DefaultAdvanceRequests = 500;

    private readonly IReadOnlyList<double> _steps;
    private long _sinceStep;
    private DateTimeOffset _stepStarted;

    public CanaryPolicy(DeploymentFile file, DeploymentState state, RolloutContext context) : base(file, state, context)
    {
        _steps = file.Strategy.Steps;
        _stepStarted = context.Time.GetUtcNow();
    }

    protected override double StartPercent => _steps[0];

    protected override void OnStart() => RestartStep();

    protected override RouteDecision RouteRunning(RequestContext request) =>
        new(Router.ToChallenger(request.RoutingKey, Current.ChallengerPercent) ? Arm.Challenger : Arm.Champion);

    protected override RolloutChange? AfterOutcome(ArmOutcome outcome)
    {
        if (outcome.Arm == Arm.Challenger) _sinceStep++;
        if (!Guards.Ready) return null;
        var s = File.Strategy;
        var byCount = (s.AdvanceAfterRequests ?? (s.AdvanceAfterDuration is null ? DefaultAdvanceRequests : null)) is { } n && _sinceStep >= n;
        var held = Context.Time.GetUtcNow() - _stepStarted;
        var byTime = s.AdvanceAfterDuration is { } d && held >= d;
        if (!byCount && !byTime) return null;
        var why = byCount ? $"guards held for {_sinceStep} challenger requests" : $"guards held for {held.TotalSeconds:0} s";
        var next = Math.Min(Current.Step + 1, _steps.Count - 1);
        RestartStep();
        return _steps[next] >= 100
            ? Move(DeploymentEventKind.Promote, Current with { Phase = RolloutPhase.Promoted, ChallengerPercent = 100, Step = next }, Automatic, $"canary reached 100%: {why}")
            : Move(DeploymentEventKind.Step, Current with { ChallengerPercent = _steps[next], Step = next }, Automatic, $"canary step {next + 1} of {_steps.Count} ({_steps[next]}%): {why}");
    }

    private void RestartStep()
    {
        _sinceStep = 0;
        _stepStarted = Context.Time.GetUtcNow();
    }
}
