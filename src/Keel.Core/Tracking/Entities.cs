namespace Keel.Core.Tracking;

/// <summary>A named group of runs (usually one per data set / question).</summary>
public sealed record Experiment(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>Lifecycle of a run: running, then exactly one of finished, failed or killed.</summary>
public enum RunStatus
{
    Running,
    Finished,
    Failed,
    /// <summary>The process died while the run was running (found and marked on a later start).</summary>
    Killed,
}

/// <summary>One value of a metric at a step (step 0 for single values; iteration for loss curves).</summary>
public sealed record MetricPoint(string Key, double Value, long Step, DateTimeOffset Timestamp);

/// <summary>A file logged with a run: its run-relative path and the content hash it is stored under.</summary>
public sealed record ArtifactEntry(string Path, string Sha256, long Bytes);

/// <summary>A snapshot of one run as stored: identity, status, times, and its params, tags and latest metrics.</summary>
public sealed record Run(
    string Id,
    string ExperimentId,
    string Name,
    RunStatus Status,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>When the run's process last said it is alive (null: never, e.g. a finished run of an older Keel).</summary>
    public DateTimeOffset? HeartbeatAt { get; init; }

    /// <summary>Sum of the sizes of the run's artifact entries (content shared with other runs is counted for each).</summary>
    public long ArtifactBytes { get; init; }
}

/// <summary>One metric of one run in short: its latest value (greatest step, then time), its smallest and largest value, and how many points it has.</summary>
public sealed record MetricSummary(string RunId, string Key, double Last, long LastStep, double Min, double Max, long Count);

/// <summary>A batch written in one transaction: all of it is stored, or none.</summary>
public sealed record LogBatch
{
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<MetricPoint> Metrics { get; init; } = [];
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Optional key that makes a resent batch harmless: a batch whose key the run has already stored is skipped, so a client
    /// that retries after losing the answer to a stored batch logs it once. Null (the default) stores every batch.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>A run search: runs of the given experiments (all when empty) matching a filter, ordered, paged.</summary>
/// <remarks>
/// Filter: clauses joined by "and" and "or" ("and" binds tighter) and grouped with parentheses; each clause is <c>metrics.NAME OP NUMBER</c>, <c>params.NAME OP 'TEXT'</c>,
/// <c>tags.NAME OP 'TEXT'</c>, <c>status = 'finished'</c> or <c>name = 'TEXT'</c>; OP one of = != &lt; &lt;= &gt; &gt;=.
/// OrderBy: <c>start_time</c>, <c>name</c> or <c>metrics.NAME</c>, optionally followed by asc|desc (default start_time desc).
/// </remarks>
public sealed record RunQuery
{
    public IReadOnlyList<string> ExperimentIds { get; init; } = [];
    public string? Filter { get; init; }
    public string? OrderBy { get; init; }
    /// <summary>Page size, 1..1000. Default 100.</summary>
    public int MaxResults { get; init; } = 100;
    /// <summary>Token from the previous page, or null for the first page.</summary>
    public string? PageToken { get; init; }
    /// <summary>Only runs that are no other run's child (without a <see cref="RunTags.Parent"/> tag). Default false: every run.</summary>
    public bool TopLevel { get; init; }
}

/// <summary>One page of a run search; <see cref="NextPageToken"/> is null on the last page.</summary>
public sealed record RunPage(IReadOnlyList<Run> Runs, string? NextPageToken);

/// <summary>Tags with a meaning to Keel itself, written by the stores and the pipeline.</summary>
public static class RunTags
{
    /// <summary>Why a run was marked killed (interrupted, or its heartbeat lease expired).</summary>
    public const string KilledReason = "keel.killed_reason";

    /// <summary>The model version registered from the run, as NAME:VERSION.</summary>
    public const string Registered = "keel.registered";

    /// <summary>Why a run failed.</summary>
    public const string Error = "keel.error";

    /// <summary>The id of the run this run belongs to (a search's trials name their search run).</summary>
    public const string Parent = "keel.parent_run_id";
}
