using Keel.Core.Tracking;

namespace Keel.Client;

/// <summary>Where a client's calls go: a local store or a tracking server. The run logic is the same for both.</summary>
internal interface ITransport : IAsyncDisposable
{
    Task<string> CreateRunAsync(string experiment, string name, DateTimeOffset start, IReadOnlyDictionary<string, string> tags, CancellationToken ct);

    Task LogBatchAsync(string runId, LogBatch batch, CancellationToken ct);

    Task SetStatusAsync(string runId, RunStatus status, DateTimeOffset end, CancellationToken ct);

    Task<ArtifactEntry> UploadAsync(string runId, string path, string localFile, CancellationToken ct);
}
