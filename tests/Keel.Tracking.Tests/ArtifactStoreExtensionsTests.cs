using Keel.Core;
using Keel.Core.Tracking;

namespace Keel.Tracking.Tests;

public sealed class ArtifactStoreExtensionsTests
{
    private static async Task<(KeelStore Store, string RunId)> RunAsync(StoreScope scope)
    {
        var store = await scope.OpenAsync();
        var e = await store.Tracking.GetOrCreateExperimentAsync("x");
        return (store, (await store.Tracking.CreateRunAsync(e.Id, "r", DateTimeOffset.UnixEpoch, new Dictionary<string, string>())).Id);
    }

    [Fact]
    public async Task LogArtifactFile_ThenRead_SameBytesAndOneBlobForDuplicates()
    {
        await using var scope = new StoreScope();
        var (store, runId) = await RunAsync(scope);
        var file = Path.Combine(scope.Folder, "model.bin");
        await File.WriteAllBytesAsync(file, [1, 2, 3]);
        var a = await store.LogArtifactFileAsync(runId, "models/m.bin", file);
        var b = await store.LogArtifactBytesAsync(runId, "copy\\m.bin", new byte[] { 1, 2, 3 });
        Assert.Equal(a.Sha256, b.Sha256);
        Assert.Equal("copy/m.bin", b.Path);
        Assert.Equal(new byte[] { 1, 2, 3 }, await store.ReadArtifactAsync(runId, "models/m.bin"));
        var blobs = Directory.EnumerateFiles(Path.Combine(scope.Folder, ".keel", "artifacts"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains(".tmp", StringComparison.Ordinal)).ToList();
        Assert.Equal(Path.Combine(scope.Folder, ".keel", "artifacts", a.Sha256[..2], a.Sha256), Assert.Single(blobs));
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("/abs.txt")]
    [InlineData("a/./b")]
    public async Task LogArtifactBytes_TraversalPath_ThrowsInputAndWritesNothing(string path)
    {
        await using var scope = new StoreScope();
        var (store, runId) = await RunAsync(scope);
        await Assert.ThrowsAsync<KeelInputException>(() => store.LogArtifactBytesAsync(runId, path, new byte[] { 9 }));
        Assert.Empty(await store.Tracking.ListArtifactsAsync(runId));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(scope.Folder, ".keel", "artifacts"), "*", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(scope.Folder, ".keel", "outside.txt")));
    }

    [Fact]
    public async Task LogArtifactBytes_UnknownRun_ThrowsNotFound()
    {
        await using var scope = new StoreScope();
        var (store, _) = await RunAsync(scope);
        await Assert.ThrowsAsync<KeelNotFoundException>(() => store.LogArtifactBytesAsync(new string('e', 32), "a.txt", new byte[] { 1 }));
        await Assert.ThrowsAsync<KeelNotFoundException>(() => store.ReadArtifactAsync(new string('e', 32), "a.txt"));
    }

    [Fact]
    public async Task OpenAsync_StaleTempFile_DeletedButFreshOneKept()
    {
        await using var scope = new StoreScope();
        var time = new ManualTime();
        await scope.OpenAsync(time);
        var tmp = Path.Combine(scope.Folder, ".keel", "artifacts", ".tmp");
        var stale = Path.Combine(tmp, "old.part");
        var fresh = Path.Combine(tmp, "new.part");
        await File.WriteAllTextAsync(stale, "half");
        await File.WriteAllTextAsync(fresh, "half");
        File.SetLastWriteTimeUtc(stale, time.Now.UtcDateTime.AddHours(-2));
        File.SetLastWriteTimeUtc(fresh, time.Now.UtcDateTime.AddMinutes(-5));
        await scope.OpenAsync(time);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }
}
