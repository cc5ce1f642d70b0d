using System.Security.Cryptography;
using Keel.Core;
using Keel.Core.Artifacts;

namespace Keel.Tracking.Artifacts;

/// <summary>
/// Content-addressed files under a folder: root/ab/abcdef… by SHA-256. Writes stream into root/.tmp while hashing and are
/// renamed into place, so a reader never sees a half-written file; a crash leaves only a temp file, removed on a later open.
/// </summary>
internal sealed class LocalArtifactStore : IArtifactStore
{
    private static readonly TimeSpan StaleTemp = TimeSpan.FromHours(1);
    private readonly string _root;
    private readonly string _tmp;

    private LocalArtifactStore(string root)
    {
        _root = Path.GetFullPath(root);
        _tmp = Path.Combine(_root, ".tmp");
    }

    public string Root => _root;

    /// <summary>Creates the folders and deletes temp files older than an hour (left by crashed writes; younger ones may be in flight).</summary>
    public static LocalArtifactStore Open(string root, TimeProvider time)
    {
        var store = new LocalArtifactStore(root);
        Directory.CreateDirectory(store._tmp);
        var cutoff = time.GetUtcNow().UtcDateTime - StaleTemp;
        foreach (var file in Directory.EnumerateFiles(store._tmp))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff) File.Delete(file);
            }
            catch (IOException) { } // another process may be finishing or cleaning it
            catch (UnauthorizedAccessException) { }
        }
        return store;
    }

    public async Task<StoredBlob> PutAsync(Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        Directory.CreateDirectory(_tmp);
        var temp = Path.Combine(_tmp, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".part");
        try
        {
            string sha;
            long bytes = 0;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int n;
                while ((n = await content.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), ct);
                    bytes += n;
                }
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            var target = PathOf(sha);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (File.Exists(target)) File.Delete(temp);
            else
            {
                try { File.Move(temp, target, overwrite: false); }
                catch (IOException) when (File.Exists(target)) { File.Delete(temp); } // a concurrent Put of the same content won
            }
            return new StoredBlob(sha, bytes);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string sha256, CancellationToken ct = default)
    {
        var path = PathOf(sha256);
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KeelNotFoundException($"artifact {sha256} is not in the artifact store at {_root}");
        }
    }

    public Task<bool> ExistsAsync(string sha256, CancellationToken ct = default) => Task.FromResult(File.Exists(PathOf(sha256)));

    /// <summary>Where a hash lives; only ever built from a validated hash, so it cannot point outside the root.</summary>
    private string PathOf(string sha256)
    {
        if (sha256 is null || !ArtifactPath.IsSha256(sha256))
            throw new ArgumentException($"Artifact hash '{sha256}' is not 64 lower-case hex characters.", nameof(sha256));
        return Path.Combine(_root, sha256[..2], sha256);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
