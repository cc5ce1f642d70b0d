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
}

/// <summary>What <see cref="IArtifactStore.PutAsync"/> stored.</summary>
public sealed record StoredBlob(string Sha256, long Bytes);
