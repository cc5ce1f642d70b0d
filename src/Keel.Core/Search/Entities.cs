namespace Keel.Core.Search;

/// <summary>Lifecycle of a trial: running, then exactly one of complete, pruned or failed (a failed trial left by a dead
/// worker may be claimed again under the same number when the study's stale policy is <see cref="StalePolicy.Retry"/>).</summary>
public enum TrialState
{
    Running,
    Complete,
    Pruned,
    Failed,
}

/// <summary>What becomes of a trial whose worker stopped sending heartbeats (killed, lost machine): it is marked failed, then run
/// again under the same number and parameters (<see cref="Retry"/>) or left failed and counted as done (<see cref="Skip"/>).</summary>
public enum StalePolicy
{
    Retry,
    Skip,
}

/// <summary>A study as stored: its name, the plan workers share, and the search run that trial runs are children of.</summary>
/// <param name="Name">Unique study name.</param>
/// <param name="Groups">Trial number i belongs to group Groups[i % count] (the candidate family), so every group gets the same budget.</param>
/// <param name="PlannedTrials">Trials to run in all; null for no limit (a time budget ends each worker).</param>
/// <param name="DefinitionJson">The search definition workers joining the study run (opaque to the store); a second create must match it.</param>
/// <param name="CreatedAt">When the study was created.</param>
public sealed record StudyRecord(string Name, IReadOnlyList<string> Groups, int? PlannedTrials, string DefinitionJson, DateTimeOffset CreatedAt)
{
    /// <summary>The stale-trial policy. Default <see cref="StalePolicy.Retry"/>.</summary>
    public StalePolicy StalePolicy { get; init; } = StalePolicy.Retry;

    /// <summary>How often one trial may be claimed (its first run included) under <see cref="StalePolicy.Retry"/>. Default 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The tracked run that trial runs are children of (the latest coordinator's), or null before one is set.</summary>
    public string? SearchRunId { get; init; }
}

/// <summary>A snapshot of one trial, as samplers and pruners see it (they never touch the store).</summary>
/// <param name="Number">0-based trial number in the study, unique.</param>
/// <param name="Attempt">1 on first claim; higher when a stale trial was retried. Writes must name the attempt they belong to.</param>
/// <param name="State">Where the trial is in its lifecycle.</param>
/// <param name="Group">The trial's group (candidate family).</param>
/// <param name="Params">Parameter values in internal representation (categorical: the choice's index; log scales: the value itself).</param>
public sealed record TrialRecord(int Number, int Attempt, TrialState State, string Group, IReadOnlyDictionary<string, double> Params)
{
    /// <summary>The objective value of a complete trial; null otherwise.</summary>
    public double? Value { get; init; }

    /// <summary>A complete trial's value per objective of a multi-objective study (in the study's objective order, as measured,
    /// not negated); null otherwise, and for trials ended before stores kept them.</summary>
    public IReadOnlyList<double>? Values { get; init; }

    /// <summary>Intermediate values reported along training (step → value), e.g. validation loss per boosting round.</summary>
    public IReadOnlyDictionary<int, double> Intermediate { get; init; } = new Dictionary<int, double>();

    /// <summary>The worker that holds (or last held) the trial.</summary>
    public string? Worker { get; init; }

    /// <summary>When the trial's worker last said it is alive (its claim time when it never beat).</summary>
    public DateTimeOffset? HeartbeatAt { get; init; }

    /// <summary>When the trial was first claimed.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended; null while running.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The tracked child run of this trial, or null.</summary>
    public string? RunId { get; init; }

    /// <summary>Why it failed (an error, or "no heartbeat ..."); null otherwise.</summary>
    public string? Error { get; init; }

    /// <summary>Failed because its worker went silent (rather than by an error of the trial itself).</summary>
    public bool Stale { get; init; }
}

/// <summary>The answer to a claim: a trial now held by the caller, or nothing to do now (others still run) or ever again.</summary>
public sealed record TrialClaim(ClaimOutcome Outcome, TrialRecord? Trial);

/// <summary>What a claim found.</summary>
public enum ClaimOutcome
{
    /// <summary>The caller holds <see cref="TrialClaim.Trial"/>.</summary>
    Claimed,
    /// <summary>Every planned trial is claimed but some still run; one may go stale and come back under retry.</summary>
    Wait,
    /// <summary>Every planned trial is complete, pruned or failed for good.</summary>
    Done,
}

/// <summary>Who holds a trial: writes carry it, and the store refuses them once the trial has moved on (marked stale and re-claimed).</summary>
public sealed record TrialLease(string Study, int Number, int Attempt, string Worker);
