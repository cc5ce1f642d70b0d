namespace Keel.Core.Search;

/// <summary>
/// Studies and their trials, shared by worker processes: a trial is claimed atomically, so no two workers run the same trial and
/// none is lost; liveness is a heartbeat lease. One contract suite checks every backend (SQLite and PostgreSQL).
/// </summary>
/// <remarks>Every method returns copies; every write is one transaction. An unknown study throws <see cref="KeelNotFoundException"/>.
/// Writes on a trial name its <see cref="TrialLease"/> and return false (writing nothing) when the caller no longer holds it.</remarks>
public interface IStudyStore
{
    /// <summary>Creates the study, or returns the stored one when a study of that name exists with the same definition.</summary>
    /// <exception cref="KeelInputException">A study of that name exists with another definition, groups or plan.</exception>
    Task<StudyRecord> CreateStudyAsync(StudyRecord study, CancellationToken ct = default);

    /// <summary>The study called <paramref name="name"/>, or null.</summary>
    Task<StudyRecord?> GetStudyAsync(string name, CancellationToken ct = default);

    /// <summary>Every study, oldest first.</summary>
    Task<IReadOnlyList<StudyRecord>> ListStudiesAsync(CancellationToken ct = default);

    /// <summary>Deletes the study with its trials and their reported values, in one transaction, and returns how many trials went. The
    /// tracked runs of its trials are not touched (they live in the tracking store).</summary>
    /// <exception cref="KeelInputException">A trial is running and its worker beat within <paramref name="lease"/> of
    /// <paramref name="now"/> (a live worker); nothing is deleted.</exception>
    Task<int> DeleteStudyAsync(string name, DateTimeOffset now, TimeSpan lease, CancellationToken ct = default);

    /// <summary>Changes how many trials the study plans (null: no limit, a timeout alone ends each search), as Optuna's
    /// <c>study.optimize(n_trials=...)</c> may ask for more; workers claim up to the new plan from their next claim on.</summary>
    /// <exception cref="KeelInputException"><paramref name="planned"/> is below 1, or below the trials the study has already numbered
    /// (nothing is changed).</exception>
    Task SetPlannedTrialsAsync(string study, int? planned, CancellationToken ct = default);

    /// <summary>Records the tracked run that trial runs are children of from now on.</summary>
    Task SetSearchRunAsync(string study, string runId, CancellationToken ct = default);

    /// <summary>
    /// In one transaction: marks failed (stale) every running trial whose heartbeat is older than <paramref name="lease"/>; then hands
    /// <paramref name="worker"/> the lowest-numbered stale trial left to retry (same parameters, next attempt, intermediate values
    /// cleared), else a new trial numbered after the last while the plan allows, else says to wait or that the study is done.
    /// </summary>
    Task<TrialClaim> ClaimTrialAsync(string study, string worker, DateTimeOffset now, TimeSpan lease, CancellationToken ct = default);

    /// <summary>Stores the sampled parameters of a held trial (before it trains).</summary>
    Task<bool> SetTrialParamsAsync(TrialLease lease, IReadOnlyDictionary<string, double> parameters, CancellationToken ct = default);

    /// <summary>Refreshes a held trial's heartbeat.</summary>
    Task<bool> HeartbeatTrialAsync(TrialLease lease, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Appends intermediate values (step → value) of a held trial; a step already reported keeps its first value.</summary>
    Task<bool> ReportAsync(TrialLease lease, IReadOnlyList<KeyValuePair<int, double>> values, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Links a held trial to its tracked child run.</summary>
    Task<bool> SetTrialRunAsync(TrialLease lease, string runId, CancellationToken ct = default);

    /// <summary>Ends a held trial as complete (with <paramref name="value"/>, and in a multi-objective study <paramref name="values"/>,
    /// one per objective), pruned or failed (with <paramref name="error"/>).</summary>
    /// <exception cref="KeelInputException"><paramref name="state"/> is running, complete without a value, or values are given for a
    /// trial that is not complete, empty or not finite.</exception>
    Task<bool> FinishTrialAsync(TrialLease lease, TrialState state, double? value, IReadOnlyList<double>? values, string? error, DateTimeOffset at,
        CancellationToken ct = default);

    /// <summary>Every trial of the study, by number, with its intermediate values.</summary>
    Task<IReadOnlyList<TrialRecord>> ListTrialsAsync(string study, CancellationToken ct = default);
}
