using System.Security.Cryptography;
using Keel.Core;
using Keel.Core.Artifacts;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>Behaviour every <see cref="IArtifactStore"/> backend must show. Subclass it with a factory for the backend.</summary>
public abstract class ArtifactStoreContract : IAsyncLifetime
{
    protected IArtifactStore Artifacts { get; private set; } = null!;

    /// <summary>A fresh, empty artifact store.</summary>
    protected abstract Task<IArtifactStore> CreateArtifactStoreAsync();

    /// <summary>Closes whatever <see cref="CreateArtifactStoreAsync"/> opened.</summary>
    protected abstract Task DisposeArtifactStoreAsync();

    public async Task InitializeAsync() => Artifacts = await CreateArtifactStoreAsync();

    public Task DisposeAsync() => DisposeArtifactStoreAsync();

    protected static byte[] Content(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected async Task<byte[]> ReadAsync(string sha)
    {
        await using var s = await Artifacts.OpenReadAsync(sha);
        using var m = new MemoryStream();
        await s.CopyToAsync(m);
        return m.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300_000)]
    public async Task Put_ThenOpenRead_ReturnsSameBytesUnderTheirSha256(int size)
    {
        var bytes = Content(size, size);
        var blob = await Artifacts.PutAsync(new MemoryStream(bytes));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), blob.Sha256);
        Assert.Equal(size, blob.Bytes);
        Assert.True(await Artifacts.ExistsAsync(blob.Sha256));
        Assert.Equal(bytes, await ReadAsync(blob.Sha256));
    }

    [Fact]
    public async Task Put_SameContentTwice_SameBlob()
    {
        var bytes = Content(1000, 1);
        var a = await Artifacts.PutAsync(new MemoryStream(bytes));
        var b = await Artifacts.PutAsync(new MemoryStream(bytes));
        Assert.Equal(a, b);
        Assert.Equal(bytes, await ReadAsync(a.Sha256));
    }

    [Fact]
    public async Task Put_SameContentEightInParallel_AllSucceedAndContentIsIntact()
    {
        var bytes = Content(200_000, 2);
        var blobs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Artifacts.PutAsync(new MemoryStream(bytes)))));
        Assert.Single(blobs.Distinct());
        Assert.Equal(bytes, await ReadAsync(blobs[0].Sha256));
    }

    [Fact]
    public async Task Put_StreamFailsMidway_NothingVisible()
    {
        var bytes = Content(100_000, 3);
        await Assert.ThrowsAsync<IOException>(() => Artifacts.PutAsync(new FailingStream(bytes, failAfter: 50_000)));
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var partial = Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(0, 50_000)));
        Assert.False(await Artifacts.ExistsAsync(sha));
        Assert.False(await Artifacts.ExistsAsync(partial));
    }

    [Fact]
    public async Task OpenRead_UnknownHash_ThrowsNotFound()
    {
        Assert.False(await Artifacts.ExistsAsync(new string('0', 64)));
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Artifacts.OpenReadAsync(new string('0', 64)));
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678")]
    [InlineData("../abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345")]
    public async Task OpenReadOrExists_MalformedHash_ThrowsArgument(string sha)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Artifacts.OpenReadAsync(sha));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Artifacts.ExistsAsync(sha));
    }

    /// <summary>Yields <c>failAfter</c> bytes, then throws, as a dropped upload would.</summary>
    private sealed class FailingStream(byte[] bytes, int failAfter) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => bytes.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter) throw new IOException("connection dropped");
            var n = Math.Min(count, failAfter - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
