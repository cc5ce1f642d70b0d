using System.Security.Cryptography;
using Keel.Core;
using Keel.Core.Tracking;

namespace Keel.Tracking.Tests;

public sealed class ArtifactStoreExtensionsTests : IAsyncLifetime
{
    private readonly StoreScope _scope = new();
    private KeelStore _store = null!;
    private string _runId = "";

    public async Task InitializeAsync()
    {
        _store = await _scope.OpenAsync();
        var e = await _store.Tracking.GetOrCreateExperimentAsync("exp");
        _runId = (await _store.Tracking.CreateRunAsync(e.Id, "r", DateTimeOffset.UnixEpoch, new Dictionary<string, string>())).Id;
    }

    public Task DisposeAsync() => _scope.DisposeAsync().AsTask();

    private int BlobCount() => Directory.EnumerateFiles(Path.Combine(_scope.Folder, ".keel", "artifacts"), "*", SearchOption.AllDirectories).Count();

    [Fact]
    public async Task LogArtifactBytes_ThenRead_SameBytesAndEntryListed()
    {
        byte[] data = [5, 6, 7, 8];
        var entry = await _store.LogArtifactBytesAsync(_runId, "reports\\summary.json", data);
        Assert.Equal(new ArtifactEntry("reports/summary.json", Convert.ToHexStringLower(SHA256.HashData(data)), 4), entry);
        Assert.Equal([entry], await _store.Tracking.ListArtifactsAsync(_runId));
        Assert.Equal(data, await _store.ReadArtifactAsync(_runId, "reports/summary.json"));
    }

    [Fact]
    public async Task LogArtifactFile_LocalFile_StoredByContent()
    {
        var file = Path.Combine(_scope.Folder, "model.bin");
        await File.WriteAllBytesAsync(file, [1, 2, 3]);
        var entry = await _store.LogArtifactFileAsync(_runId, "models/m.bin", file);
        var again = await _store.LogArtifactBytesAsync(_runId, "models/copy.bin", new byte[] { 1, 2, 3 });
        Assert.Equal(entry.Sha256, again.Sha256);
        Assert.Equal(1, BlobCount());
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    public async Task LogArtifactBytes_BadPath_ThrowsInputAndWritesNoBlob(string path)
    {
        var e = await Assert.ThrowsAsync<KeelInputException>(() => _store.LogArtifactBytesAsync(_runId, path, new byte[] { 1 }));
        Assert.Contains(path, e.Message);
        Assert.Equal(0, BlobCount());
    }

    [Fact]
    public async Task LogArtifactBytes_UnknownRunOrPrefix_ThrowsNotFoundAndWritesNoBlob()
    {
        await Assert.ThrowsAsync<KeelNotFoundException>(() => _store.LogArtifactBytesAsync(new string('f', 32), "a.bin", new byte[] { 1 }));
        await Assert.ThrowsAsync<KeelNotFoundException>(() => _store.LogArtifactBytesAsync(_runId[..8], "a.bin", new byte[] { 1 }));
        Assert.Equal(0, BlobCount());
    }

    [Fact]
    public async Task LogArtifactFile_MissingFile_ThrowsNotFoundNamingIt()
    {
        var e = await Assert.ThrowsAsync<KeelNotFoundException>(() => _store.LogArtifactFileAsync(_runId, "a.bin", "/no/such/file.bin"));
        Assert.Contains("/no/such/file.bin", e.Message);
    }

    [Fact]
    public async Task ReadArtifact_PathNotLogged_ThrowsNotFound() =>
        await Assert.ThrowsAsync<KeelNotFoundException>(() => _store.ReadArtifactAsync(_runId, "nothing.txt"));
}
