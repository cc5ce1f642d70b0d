using System.Security.Cryptography;
using Keel.Core;
using Keel.Core.Artifacts;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>Behaviour every <see cref="IArtifactStore"/> backend must show. Subclass it with a factory for the backend.</summary>
public abstract class ArtifactStoreContract : StoreContract<IArtifactStore>
{
    protected IArtifactStore Store => Subject;

    /// <summary>How many stored objects the backend holds (files, rows, blobs), temp objects included.</summary>
    protected abstract int CountStoredObjects();

    /// <summary>Names of half-written (temporary) objects the backend holds.</summary>
    protected abstract IReadOnlyList<string> TemporaryObjects();

    private static byte[] Bytes(int n, int seed)
    {
        var data = new byte[n];
        new Random(seed).NextBytes(data);
        return data;
    }

    private async Task<byte[]> ReadAllAsync(string sha)
    {
        await using var s = await Store.OpenReadAsync(sha);
        using var m = new MemoryStream();
        await s.CopyToAsync(m);
        return m.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(300_000)]
    public async Task Put_ThenOpenRead_SameBytesAndHash(int size)
    {
        var data = Bytes(size, seed: size);
        var blob = await Store.PutAsync(new MemoryStream(data));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), blob.Sha256);
        Assert.Equal(size, blob.Bytes);
        Assert.True(await Store.ExistsAsync(blob.Sha256));
        Assert.Equal(data, await ReadAllAsync(blob.Sha256));
        Assert.Empty(TemporaryObjects());
    }

    [Fact]
    public async Task Put_SameContentTwice_StoredOnce()
    {
        var data = Bytes(1000, seed: 1);
        var a = await Store.PutAsync(new MemoryStream(data));
        var count = CountStoredObjects();
        var b = await Store.PutAsync(new MemoryStream(data));
        Assert.Equal(a, b);
        Assert.Equal(count, CountStoredObjects());
        Assert.Empty(TemporaryObjects());
    }

    [Fact]
    public async Task Put_SameContentInParallel_OneObjectNoTemps()
    {
        var data = Bytes(50_000, seed: 2);
        var blobs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Store.PutAsync(new MemoryStream(data)))));
        Assert.Single(blobs.Distinct());
        Assert.Equal(1, CountStoredObjects());
        Assert.Empty(TemporaryObjects());
    }

    [Fact]
    public async Task Put_StreamFailsMidway_NothingStoredNoTemps()
    {
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(new FailingStream()));
        Assert.Equal(0, CountStoredObjects());
        Assert.Empty(TemporaryObjects());
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("abc123")]
    [InlineData("")]
    public async Task OpenReadOrExists_BadHash_ThrowsArgument(string hash)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenReadAsync(hash));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ExistsAsync(hash));
    }

    [Fact]
    public async Task OpenRead_MissingHash_ThrowsNotFound()
    {
        var sha = new string('e', 64);
        Assert.False(await Store.ExistsAsync(sha));
        var e = await Assert.ThrowsAsync<KeelNotFoundException>(() => Store.OpenReadAsync(sha));
        Assert.Contains(sha, e.Message);
    }

    /// <summary>Yields some bytes, then fails like a dropped network stream.</summary>
    private sealed class FailingStream : Stream
    {
        private int _reads;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_reads++ > 0) throw new IOException("connection reset");
            Array.Fill(buffer, (byte)7, offset, count);
            return count;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static HashSet<string> Keep(params string[] hashes) => new(hashes, StringComparer.Ordinal);

    [Fact]
    public async Task Sweep_OldUnreferencedAndReferenced_DeletesOnlyUnreferenced()
    {
        var kept = await Store.PutAsync(new MemoryStream(Bytes(100, 1)));
        var dropped = await Store.PutAsync(new MemoryStream(Bytes(50, 2)));
        Time.Advance(TimeSpan.FromHours(1));

        var sweep = await Store.SweepAsync(new ArtifactSweepRequest(Keep(kept.Sha256), Time.GetUtcNow(), DryRun: false));

        Assert.Equal((1, 50L, 1, 100L), (sweep.BlobsDeleted, sweep.BlobBytesDeleted, sweep.BlobsKept, sweep.BlobBytesKept));
        Assert.True(await Store.ExistsAsync(kept.Sha256));
        Assert.False(await Store.ExistsAsync(dropped.Sha256));
    }

    [Fact]
    public async Task Sweep_DryRun_CountsButDeletesNothing()
    {
        var blob = await Store.PutAsync(new MemoryStream(Bytes(70, 3)));
        Time.Advance(TimeSpan.FromHours(1));

        var sweep = await Store.SweepAsync(new ArtifactSweepRequest(Keep(), Time.GetUtcNow(), DryRun: true));

        Assert.Equal((1, 70L), (sweep.BlobsDeleted, sweep.BlobBytesDeleted));
        Assert.True(await Store.ExistsAsync(blob.Sha256));
    }

    [Fact]
    public async Task Sweep_UnreferencedWrittenAfterCutoff_Kept()
    {
        var blob = await Store.PutAsync(new MemoryStream(Bytes(70, 4)));

        var sweep = await Store.SweepAsync(new ArtifactSweepRequest(Keep(), T0.AddMinutes(-10), DryRun: false));

        Assert.Equal(0, sweep.BlobsDeleted);
        Assert.True(await Store.ExistsAsync(blob.Sha256));
    }

    [Fact]
    public async Task Sweep_SameContentPutAgainAfterCutoff_Kept()
    {
        // A run storing content that already exists is about to reference it; its write time must count as now.
        var blob = await Store.PutAsync(new MemoryStream(Bytes(70, 5)));
        Time.Advance(TimeSpan.FromHours(2));
        await Store.PutAsync(new MemoryStream(Bytes(70, 5)));

        var sweep = await Store.SweepAsync(new ArtifactSweepRequest(Keep(), T0.AddHours(1), DryRun: false));

        Assert.Equal(0, sweep.BlobsDeleted);
        Assert.True(await Store.ExistsAsync(blob.Sha256));
    }
}
