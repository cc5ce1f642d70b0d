using Keel.Core.Tracking;

namespace Keel.Client;

/// <summary>Starts runs in a Keel store or on a Keel tracking server. Create one with <see cref="KeelClient.ConnectAsync"/>.</summary>
public interface IKeelClient : IAsyncDisposable
{
    /// <summary>Starts a run in <paramref name="experiment"/> (created if missing) with optional tags.</summary>
    Task<IKeelRun> StartRunAsync(string experiment, string? name = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default);
}

/// <summary>
/// A running run, logged like mlflow.log_param / log_metric / set_tag / log_artifact. Params, metrics and tags are buffered and sent in
/// batches (when <see cref="KeelClientOptions.BatchSize"/> is reached, on <see cref="FlushAsync"/>, on an artifact, and at the end).
/// Disposing it flushes and finishes the run when it was not ended.
/// </summary>
public interface IKeelRun : IAsyncDisposable
{
    /// <summary>The run's id.</summary>
    string Id { get; }

    /// <summary>Buffers a param (a param, once stored, cannot change value).</summary>
    ValueTask LogParamAsync(string key, string value, CancellationToken ct = default);

    /// <summary>Buffers one metric point at <paramref name="step"/> (0 for single values), stamped now.</summary>
    ValueTask LogMetricAsync(string key, double value, long step = 0, CancellationToken ct = default);

    /// <summary>Buffers a tag (a later value replaces an earlier one).</summary>
    ValueTask SetTagAsync(string key, string value, CancellationToken ct = default);

    /// <summary>Sends a local file as an artifact under <paramref name="path"/> (default: its file name); flushes the buffer first.</summary>
    Task<ArtifactEntry> LogArtifactAsync(string localFile, string? path = null, CancellationToken ct = default);

    /// <summary>Sends everything buffered in one batch.</summary>
    Task FlushAsync(CancellationToken ct = default);

    /// <summary>Flushes, then ends the run with <paramref name="status"/> (finished, failed or killed).</summary>
    Task EndAsync(RunStatus status = RunStatus.Finished, CancellationToken ct = default);
}
