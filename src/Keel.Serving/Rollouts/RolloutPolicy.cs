using Keel.Core;
using Keel.Core.Deployments;

namespace Keel.Serving.Rollouts;

/// <summary>Injected dependencies of a policy: the clock (canary durations) and the seeded random source (keyless routing, bandits).</summary>
/// <param name="Time">The clock. Tests pass a fake one.</param>
/// <param name="Random">Seeded randomness; same seed, same routing.</param>
public sealed record RolloutContext(TimeProvider Time, Random Random);

/// <summary>
/// What every strategy shares: the state, phase-level routing (champion before start and after rollback, challenger after promotion),
/// guards that roll back automatically, and start, promote and rollback. Subclasses route while running and react to outcomes.
/// </summary>
internal abstract class RolloutPolicy : IRoutingPolicy
{
    /// <summary>Actor recorded for changes the policy makes by itself.</summary>
    public const string Automatic = "rollout";

    protected readonly Lock Gate = new();
    protected readonly DeploymentFile File;
    protected readonly RolloutContext Context;
    protected readonly GuardMonitor Guards;
    protected readonly StickyRouter Router;
    protected DeploymentState Current;

    protected RolloutPolicy(DeploymentFile file, DeploymentState state, RolloutContext context)
    {
        File = file;
        Context = context;
        Current = state;
        Guards = new GuardMonitor(file.Guards);
        Router = new StickyRouter(file.Endpoint, context.Random);
    }

    /// <summary>Whether guards may roll this strategy back (shadow serves nothing from the challenger, so it has none).</summary>
    protected virtual bool Guarded => true;

    /// <summary>The challenger share when serving starts.</summary>
    protected abstract double StartPercent { get; }

    public DeploymentState State
    {
        get { lock (Gate) return Current; }
    }

    public RouteDecision Route(RequestContext request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (Gate)
        {
            return Current.Phase switch
            {
                RolloutPhase.Running => RouteRunning(request),
                RolloutPhase.Promoted => new RouteDecision(Arm.Challenger),
                _ => new RouteDecision(Arm.Champion),
            };
        }
    }

    protected abstract RouteDecision RouteRunning(RequestContext request);

    public RolloutChange? Observe(ArmOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        lock (Gate) return ObserveLocked(outcome);
    }

    public RolloutChange? ObserveShadow(ArmOutcome champion, ArmOutcome challenger)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(challenger);
        lock (Gate)
        {
            OnShadowPair(champion, challenger);
            return ObserveLocked(challenger);
        }
    }

    private RolloutChange? ObserveLocked(ArmOutcome outcome)
    {
        Guards.Add(outcome);
        OnOutcome(outcome);
        if (Guarded && outcome.Arm == Arm.Challenger && Current.Phase is RolloutPhase.Running or RolloutPhase.Promoted && Guards.Breach() is { } reason)
            return RollbackLocked(Automatic, "guard: " + reason);
        return Current.Phase == RolloutPhase.Running ? AfterOutcome(outcome) : null;
    }

    /// <summary>Called for every outcome, under the lock, before the guards judge.</summary>
    protected virtual void OnOutcome(ArmOutcome outcome) { }

    /// <summary>Called under the lock for a shadow copy's pair, before the challenger's outcome is observed. Default: nothing.</summary>
    protected virtual void OnShadowPair(ArmOutcome champion, ArmOutcome challenger) { }

    /// <summary>Called under the lock when guards held and the rollout is running: a chance to advance. Default: nothing.</summary>
    protected virtual RolloutChange? AfterOutcome(ArmOutcome outcome) => null;

    public RolloutChange? ObserveFeedback(ArmFeedback feedback)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        lock (Gate) return OnFeedback(feedback);
    }

    /// <summary>Called under the lock for every feedback. Default: ignored.</summary>
    protected virtual RolloutChange? OnFeedback(ArmFeedback feedback) => null;

    public RolloutChange Start(string actor)
    {
        lock (Gate)
        {
            if (Current.Phase is RolloutPhase.Running or RolloutPhase.Promoted)
                throw new KeelInputException($"deployment '{File.Endpoint}' is already {Describe(Current.Phase)}; roll it back before starting again");
            Guards.ResetChallenger();
            OnStart();
            return Move(DeploymentEventKind.Start, Current with { Phase = RolloutPhase.Running, ChallengerPercent = StartPercent, Step = 0 }, actor,
                $"{DeploymentFileReader.Name(File.Strategy.Kind)}: {File.Champion} vs {File.Challenger}");
        }
    }

    /// <summary>Called under the lock when serving starts: reset per-attempt counters.</summary>
    protected virtual void OnStart() { }

    public RolloutChange Promote(string actor, string? reason)
    {
        lock (Gate)
        {
            if (File.Challenger is null) throw new KeelInputException($"deployment '{File.Endpoint}' has no challenger to promote");
            return Move(DeploymentEventKind.Promote, Current with { Phase = RolloutPhase.Promoted, ChallengerPercent = 100 }, actor, reason);
        }
    }

    public RolloutChange Rollback(string actor, string reason)
    {
        lock (Gate) return RollbackLocked(actor, reason);
    }

    public RolloutChange ChangeMode(DeploymentMode mode, string actor, string? reason)
    {
        lock (Gate) return Move(DeploymentEventKind.Mode, Current with { Mode = mode }, actor, reason);
    }

    protected RolloutChange RollbackLocked(string actor, string reason) =>
        Move(DeploymentEventKind.Rollback, Current with { Phase = RolloutPhase.RolledBack, ChallengerPercent = 0 }, actor, reason);

    public void Adopt(DeploymentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (Gate)
        {
            // A rollout started again elsewhere is a new attempt: the old challenger evidence must not judge it, and its step starts afresh.
            if (state.Phase == RolloutPhase.Running && Current.Phase != RolloutPhase.Running)
            {
                Guards.ResetChallenger();
                OnStart();
            }
            Current = state;
        }
    }

    public void ChallengerReplaced()
    {
        lock (Gate)
        {
            Guards.ResetChallenger();
            OnChallengerReplaced();
        }
    }

    /// <summary>Called under the lock when another version became the challenger: forget what was learnt of the one before. Default: nothing.</summary>
    protected virtual void OnChallengerReplaced() { }

    public RolloutReport Report()
    {
        lock (Gate) return ReportLocked(Guards.Snapshot());
    }

    /// <summary>Builds the report under the lock. Default: guard figures only.</summary>
    protected virtual RolloutReport ReportLocked(GuardSnapshot guards) => new(guards);

    protected RolloutChange Move(DeploymentEventKind kind, DeploymentState to, string actor, string? reason)
    {
        if (string.IsNullOrWhiteSpace(actor)) throw new KeelInputException($"deployment '{File.Endpoint}' {kind}: expected who makes the change");
        Current = to;
        return new RolloutChange(kind, to, actor, reason);
    }

    private static string Describe(RolloutPhase p) => p == RolloutPhase.Promoted ? "promoted" : "running";
}
