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

    private readonly TimeProvider _time;

    private LocalArtifactStore(string root, TimeProvider time)
    {
        _time = time;
        _root = Path.GetFullPath(root);
        _tmp = Path.Combine(_root, ".tmp");
    }

    public string Root => _root;

    /// <summary>Opens the folder for reading only: nothing is created or deleted (a missing folder reads as empty).</summary>
    public static LocalArtifactStore OpenReadOnly(string root, TimeProvider time) => new(root, time);

    /// <summary>Creates the folders and deletes temp files older than an hour (left by crashed writes; younger ones may be in flight).</summary>
    /// <exception cref="KeelInputException">The folder cannot be created or written.</exception>
    public static LocalArtifactStore Open(string root, TimeProvider time)
    {
        var store = new LocalArtifactStore(root, time);
        try
        {
            // Probe once, so a read-only folder is reported when the store opens instead of after a run has trained.
            Directory.CreateDirectory(store._tmp);
            var probe = Path.Combine(store._tmp, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".probe");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeelInputException($"artifact folder '{store._root}' is read-only or cannot be written ({e.Message}); commands that write (run, models alias, runs delete, gc) need write access", e);
        }
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
            if (File.Exists(target))
            {
                File.Delete(temp);
                // A fresh write time tells a concurrent garbage collection that this content is about to be referenced again.
                File.SetLastWriteTimeUtc(target, _time.GetUtcNow().UtcDateTime);
            }
            else
            {
                // Written-at in the store's clock: garbage collection compares it with the same clock.
                File.SetLastWriteTimeUtc(temp, _time.GetUtcNow().UtcDateTime);
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

    public Task<ArtifactSweep> SweepAsync(ArtifactSweepRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cutoff = request.WrittenBefore.UtcDateTime;
        int blobs = 0, temps = 0, kept = 0;
        long blobBytes = 0, tempBytes = 0, keptBytes = 0;
        if (!Directory.Exists(_root)) return Task.FromResult(new ArtifactSweep(0, 0, 0, 0, 0, 0));
        foreach (var dir in Directory.EnumerateDirectories(_root))
        {
            ct.ThrowIfCancellationRequested();
            var isTemp = Path.GetFullPath(dir) == _tmp;
            foreach (var path in Directory.EnumerateFiles(dir))
            {
                var file = new FileInfo(path);
                // Only temp files and blobs in their hash-prefix folder are ours; anything else is left alone and not counted.
                var blob = !isTemp && ArtifactPath.IsSha256(file.Name) && file.Name.StartsWith(Path.GetFileName(dir), StringComparison.Ordinal);
                if (!isTemp && !blob) continue;
                if ((blob && request.Keep.Contains(file.Name)) || file.LastWriteTimeUtc >= cutoff)
                {
                    if (blob) { kept++; keptBytes += file.Length; }
                    continue;
                }
                if (!request.DryRun && !TryDelete(path)) continue;
                if (isTemp) { temps++; tempBytes += file.Length; }
                else { blobs++; blobBytes += file.Length; }
            }
        }
        return Task.FromResult(new ArtifactSweep(blobs, blobBytes, temps, tempBytes, kept, keptBytes));
    }

    /// <summary>Where a hash lives; only ever built from a validated hash, so it cannot point outside the root.</summary>
    private string PathOf(string sha256)
    {
        if (sha256 is null || !ArtifactPath.IsSha256(sha256))
            throw new ArgumentException($"Artifact hash '{sha256}' is not 64 lower-case hex characters.", nameof(sha256));
        var shard = Path.Combine(_root, sha256[..2]);
        var path = Path.Combine(shard, sha256);
        // Content addressing keeps names inside the root; a symbolic link planted in the root could still lead out, so none is followed.
        foreach (var p in new[] { _tmp, shard, path })
            if (new FileInfo(p) is { LinkTarget: { } target })
                throw new KeelInputException($"artifact store path '{p}' is a symbolic link (to '{target}'); refusing to follow it out of the artifact root");
        return path;
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
