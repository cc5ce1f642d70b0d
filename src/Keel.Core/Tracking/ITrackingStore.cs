namespace Keel.Core.Tracking;

/// <summary>Where experiments, runs, params, metrics, tags and artifact entries live. One contract suite checks every backend.</summary>
/// <remarks>Every method returns copies; every write is atomic. Unknown ids throw <see cref="KeelNotFoundException"/>.</remarks>
public interface ITrackingStore
{
    /// <summary>The experiment called <paramref name="name"/>, created if it does not exist.</summary>
    Task<Experiment> GetOrCreateExperimentAsync(string name, CancellationToken ct = default);

    /// <summary>The experiment called <paramref name="name"/>, or null.</summary>
    Task<Experiment?> FindExperimentAsync(string name, CancellationToken ct = default);

    /// <summary>All experiments, oldest first.</summary>
    Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken ct = default);

    /// <summary>Creates a run in status <see cref="RunStatus.Running"/> with the given tags.</summary>
    Task<Run> CreateRunAsync(string experimentId, string name, DateTimeOffset startTime, IReadOnlyDictionary<string, string> tags, CancellationToken ct = default);

    /// <summary>
    /// Stores params, metrics and tags of a run in one transaction. A param, once set, cannot change value. A batch whose
    /// <see cref="LogBatch.IdempotencyKey"/> the run already stored is skipped.
    /// </summary>
    Task LogBatchAsync(string runId, LogBatch batch, CancellationToken ct = default);

    /// <summary>Moves a running run to a final status. Finished, failed and killed runs cannot change status again.</summary>
    Task SetRunStatusAsync(string runId, RunStatus status, DateTimeOffset endTime, CancellationToken ct = default);

    /// <summary>The run with <paramref name="runId"/> (a unique prefix of at least 6 characters is accepted), or null.</summary>
    Task<Run?> GetRunAsync(string runId, CancellationToken ct = default);

    /// <summary>All points of one metric of a run, by step then time.</summary>
    Task<IReadOnlyList<MetricPoint>> GetMetricHistoryAsync(string runId, string key, CancellationToken ct = default);

    /// <summary>
    /// Last, min and max of the named metrics (all of them when <paramref name="keys"/> is empty) of the given runs, by run then key;
    /// at most 1,000 runs and 100 keys per call (a page of a run table). Unknown runs and keys are left out.
    /// </summary>
    Task<IReadOnlyList<MetricSummary>> SummarizeMetricsAsync(IReadOnlyList<string> runIds, IReadOnlyList<string> keys, CancellationToken ct = default);

    /// <summary>Runs matching a query, one page at a time.</summary>
    Task<RunPage> SearchRunsAsync(RunQuery query, CancellationToken ct = default);

    /// <summary>How many runs name each of <paramref name="parentIds"/> in their <see cref="RunTags.Parent"/> tag (a search's trials);
    /// parents without children are left out. At most 1,000 ids per call (a page of a run table).</summary>
    Task<IReadOnlyDictionary<string, int>> CountChildRunsAsync(IReadOnlyList<string> parentIds, CancellationToken ct = default);

    /// <summary>Records that a file (already in the artifact store) belongs to a run under a relative path. Paths are unique per run.</summary>
    Task LogArtifactAsync(string runId, ArtifactEntry artifact, CancellationToken ct = default);

    /// <summary>The artifact entries of a run, ordered by path.</summary>
    Task<IReadOnlyList<ArtifactEntry>> ListArtifactsAsync(string runId, CancellationToken ct = default);

    /// <summary>Records that the run's process is alive at <paramref name="at"/>; false (and nothing written) when the run is no longer running.</summary>
    Task<bool> HeartbeatAsync(string runId, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>
    /// In one transaction, marks killed every running run whose last heartbeat (its start time when it never sent one) is before
    /// <paramref name="heartbeatBefore"/>, with end time <paramref name="endTime"/> and tag <see cref="RunTags.KilledReason"/>; returns their ids.
    /// </summary>
    Task<IReadOnlyList<string>> KillStaleRunsAsync(DateTimeOffset heartbeatBefore, DateTimeOffset endTime, string reason, CancellationToken ct = default);

    /// <summary>Deletes a finished, failed or killed run with its params, metrics, tags and artifact entries (not the artifact files: see garbage collection).</summary>
    /// <exception cref="KeelInputException">The run is still running, or a registered model version comes from it.</exception>
    Task DeleteRunAsync(string runId, CancellationToken ct = default);

    /// <summary>Every content hash that some run's artifact entry refers to.</summary>
    Task<IReadOnlySet<string>> ListArtifactHashesAsync(CancellationToken ct = default);
}
