namespace Keel.Core.Deployments;

/// <summary>How much a deployment's answers are trusted (human in the loop): from shadow (people decide everything) to full automation.</summary>
public enum DeploymentMode
{
    /// <summary>Answers are logged, never acted on; every answer goes to review.</summary>
    Shadow,
    /// <summary>Answers are suggestions to a person; every answer goes to review.</summary>
    Assist,
    /// <summary>Confident answers are automatic; those under the review threshold go to review.</summary>
    Partial,
    /// <summary>Every answer is automatic; nothing is queued for review.</summary>
    Full,
}

/// <summary>Where a rollout stands.</summary>
public enum RolloutPhase
{
    /// <summary>Stored, not serving yet.</summary>
    Created,
    /// <summary>Serving under its strategy (champion and challenger both in play).</summary>
    Running,
    /// <summary>The challenger took all traffic.</summary>
    Promoted,
    /// <summary>All traffic went back to the champion (by a person or a broken guard).</summary>
    RolledBack,
}

/// <summary>The changeable part of a deployment: phase, trust mode and the challenger's share of traffic.</summary>
/// <param name="Phase">Where the rollout stands.</param>
/// <param name="Mode">Human-in-the-loop mode.</param>
/// <param name="ChallengerPercent">Share of live traffic answered by the challenger, 0 to 100 (shadow copies are not counted).</param>
/// <param name="Step">Index into the canary steps (0 for other strategies).</param>
public sealed record DeploymentState(RolloutPhase Phase, DeploymentMode Mode, double ChallengerPercent, int Step);

/// <summary>A named endpoint with its champion, challenger and rollout strategy, as created from a deployment file.</summary>
public sealed record Deployment
{
    /// <summary>The endpoint name (unique in the store).</summary>
    public required string Name { get; init; }

    /// <summary>The champion reference, e.g. "credit-risk@champion" or "credit-risk:3".</summary>
    public required string Champion { get; init; }

    /// <summary>The registered model <see cref="Champion"/> names.</summary>
    public string ChampionModel => ModelOf(Champion);

    /// <summary>The registered model a reference names: "credit-risk" for "credit-risk@champion" or "credit-risk:3".</summary>
    public static string ModelOf(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return reference.Split('@', ':')[0];
    }

    /// <summary>The challenger reference, or null when only the champion serves.</summary>
    public string? Challenger { get; init; }

    /// <summary>The reference whose model the deployment's traffic goes to now: the challenger once promoted (a promotion moves traffic,
    /// not aliases), else the champion.</summary>
    public string Serving => State.Phase == RolloutPhase.Promoted && Challenger is { } promoted ? promoted : Champion;

    /// <summary>The strategy name: shadow, canary, blue_green, ab or bandit (none without a challenger).</summary>
    public required string Strategy { get; init; }

    /// <summary>Whether the challenger's share in <paramref name="state"/> is no fixed figure: a running bandit routes by the rewards
    /// feedback brings, so its stored share (the 50 % it starts from) says nothing of the traffic each arm answers.</summary>
    public bool SharesByRewards(DeploymentState state) => Strategy == "bandit" && state.Phase == RolloutPhase.Running;

    /// <summary>The deployment file's text as created, so post-processing rules are versioned with it.</summary>
    public required string SpecText { get; init; }

    /// <summary>1 when created; +1 each time the file is re-applied with different text.</summary>
    public int SpecVersion { get; init; } = 1;

    /// <summary>The current state (the latest event's <see cref="DeploymentEvent.To"/>).</summary>
    public required DeploymentState State { get; init; }

    /// <summary>When the deployment was first created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its state or file last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Kinds of <see cref="DeploymentEvent"/>.</summary>
public enum DeploymentEventKind
{
    /// <summary>The deployment was created.</summary>
    Create,
    /// <summary>The deployment file was re-applied with new text (new <see cref="Deployment.SpecVersion"/>).</summary>
    Update,
    /// <summary>Serving started.</summary>
    Start,
    /// <summary>A canary step advanced.</summary>
    Step,
    /// <summary>The challenger took all traffic.</summary>
    Promote,
    /// <summary>Traffic went back to the champion; <see cref="DeploymentEvent.Reason"/> says why (a person, or the guard that broke).</summary>
    Rollback,
    /// <summary>The human-in-the-loop mode changed.</summary>
    Mode,
}

/// <summary>One state change of a deployment: append-only history with time and actor.</summary>
/// <param name="Seq">Order in the store (assigned on append; ignored when appending).</param>
/// <param name="Deployment">The deployment's name.</param>
/// <param name="Kind">What happened.</param>
/// <param name="From">State before (null for creation).</param>
/// <param name="To">State after.</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who: a person ("keel cli (ann)") or the server ("guard").</param>
/// <param name="Reason">Why, e.g. "challenger p99 latency 812 ms over 500 ms in the last 200 requests"; null when none given.</param>
public sealed record DeploymentEvent(long Seq, string Deployment, DeploymentEventKind Kind, DeploymentState? From, DeploymentState To,
    DateTimeOffset At, string Actor, string? Reason);
