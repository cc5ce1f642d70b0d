using Keel.Core.Tracking;
using Keel.Tracking;

namespace Keel.Client;

/// <summary>Logs straight into a store opened in this process.</summary>
internal sealed class LocalTransport(KeelStore store) : ITransport
{
    public async Task<string> CreateRunAsync(string experiment, string name, DateTimeOffset start, IReadOnlyDictionary<string, string> tags, CancellationToken ct)
    {
        var e = await store.Tracking.GetOrCreateExperimentAsync(experiment, ct);
        return (await store.Tracking.CreateRunAsync(e.Id, name, start, tags, ct)).Id;
    }

    public Task LogBatchAsync(string runId, LogBatch batch, CancellationToken ct) => store.Tracking.LogBatchAsync(runId, batch, ct);

    public Task SetStatusAsync(string runId, RunStatus status, DateTimeOffset end, CancellationToken ct) => store.Tracking.SetRunStatusAsync(runId, status, end, ct);

    public Task<ArtifactEntry> UploadAsync(string runId, string path, string localFile, CancellationToken ct) => store.LogArtifactFileAsync(runId, path, localFile, ct);

    public ValueTask DisposeAsync() => store.DisposeAsync();
}
