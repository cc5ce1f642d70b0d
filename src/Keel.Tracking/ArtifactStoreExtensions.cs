using Keel.Core;
using Keel.Core.Tracking;
using Keel.Tracking.Sqlite;

namespace Keel.Tracking;

/// <summary>Conveniences that put content in the artifact store and log it with a run in one call.</summary>
public static class ArtifactStoreExtensions
{
    /// <summary>Stores <paramref name="localFile"/> and logs it under <paramref name="path"/> for the run; returns the entry.</summary>
    /// <exception cref="KeelInputException">Bad run-relative path, or the path is already logged with other content.</exception>
    /// <exception cref="KeelNotFoundException">No such run or local file.</exception>
    public static async Task<ArtifactEntry> LogArtifactFileAsync(this KeelStore store, string runId, string path, string localFile, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var valid = SqliteTrackingStore.ValidPath(path);
        if (!File.Exists(localFile)) throw new KeelNotFoundException($"artifact file '{localFile}' does not exist");
        await using var content = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        return await LogAsync(store, runId, valid, content, ct);
    }

    /// <summary>Stores <paramref name="bytes"/> and logs them under <paramref name="path"/> for the run; returns the entry.</summary>
    /// <exception cref="KeelInputException">Bad run-relative path, or the path is already logged with other content.</exception>
    /// <exception cref="KeelNotFoundException">No such run.</exception>
    public static async Task<ArtifactEntry> LogArtifactBytesAsync(this KeelStore store, string runId, string path, ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var valid = SqliteTrackingStore.ValidPath(path);
        await using var content = new MemoryStream(bytes.ToArray(), writable: false);
        return await LogAsync(store, runId, valid, content, ct);
    }

    /// <summary>The content logged under <paramref name="path"/> for the run.</summary>
    /// <exception cref="KeelNotFoundException">No such run, no artifact at that path, or its file is missing.</exception>
    public static async Task<byte[]> ReadArtifactAsync(this KeelStore store, string runId, string path, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var valid = SqliteTrackingStore.ValidPath(path);
        var entry = (await store.Tracking.ListArtifactsAsync(runId, ct)).FirstOrDefault(a => a.Path == valid)
            ?? throw new KeelNotFoundException($"run {runId} has no artifact '{valid}'");
        await using var stream = await store.Artifacts.OpenReadAsync(entry.Sha256, ct);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private static async Task<ArtifactEntry> LogAsync(KeelStore store, string runId, string path, Stream content, CancellationToken ct)
    {
        // Fail on an unknown run before writing the blob (a blob written anyway would only be an unreferenced file).
        if (await store.Tracking.GetRunAsync(runId, ct) is not { } run || run.Id != runId)
            throw new KeelNotFoundException($"run '{runId}' does not exist");
        var blob = await store.Artifacts.PutAsync(content, ct);
        var entry = new ArtifactEntry(path, blob.Sha256, blob.Bytes);
        await store.Tracking.LogArtifactAsync(runId, entry, ct);
        return entry;
    }
}
