namespace Keel.Core.Artifacts;

/// <summary>Content-addressed file storage: a file is stored once under its SHA-256 and read back by it.</summary>
/// <remarks>Writes are atomic (temp file + rename); hashes are validated so nothing outside the root is ever touched.</remarks>
public interface IArtifactStore
{
    /// <summary>Stores the content of <paramref name="content"/> and returns its SHA-256 (lower-case hex) and size.</summary>
    Task<StoredBlob> PutAsync(Stream content, CancellationToken ct = default);

    /// <summary>Opens a stored file for reading.</summary>
    /// <exception cref="KeelNotFoundException">No file with that hash.</exception>
    /// <exception cref="ArgumentException">Not a 64-character lower-case hex hash.</exception>
    Task<Stream> OpenReadAsync(string sha256, CancellationToken ct = default);

    /// <summary>Whether a file with that hash is stored.</summary>
    Task<bool> ExistsAsync(string sha256, CancellationToken ct = default);

    /// <summary>
    /// Deletes (or with <see cref="ArtifactSweepRequest.DryRun"/> only counts) stored files not in <see cref="ArtifactSweepRequest.Keep"/>
    /// and leftovers of interrupted writes, both only when last written before <see cref="ArtifactSweepRequest.WrittenBefore"/>.
    /// </summary>
    Task<ArtifactSweep> SweepAsync(ArtifactSweepRequest request, CancellationToken ct = default);
}

/// <summary>Which files a sweep may delete.</summary>
/// <param name="Keep">Hashes that are referenced and must stay.</param>
/// <param name="WrittenBefore">Files written at or after this time stay (a concurrent run may be about to reference them).</param>
/// <param name="DryRun">Count only; delete nothing.</param>
public sealed record ArtifactSweepRequest(IReadOnlySet<string> Keep, DateTimeOffset WrittenBefore, bool DryRun);

/// <summary>What a sweep deleted (or would delete) and what is left.</summary>
public sealed record ArtifactSweep(int BlobsDeleted, long BlobBytesDeleted, int TempFilesDeleted, long TempBytesDeleted, int BlobsKept, long BlobBytesKept)
{
    /// <summary>All bytes deleted (or that would be).</summary>
    public long BytesDeleted => BlobBytesDeleted + TempBytesDeleted;
}

/// <summary>What <see cref="IArtifactStore.PutAsync"/> stored.</summary>
public sealed record StoredBlob(string Sha256, long Bytes);
