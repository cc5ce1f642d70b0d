using Keel.Core.Artifacts;
using Keel.Tracking.Artifacts;
using Keel.Tracking.Tests.Contracts;

namespace Keel.Tracking.Tests.Sqlite;

/// <summary>The artifact contract against a real folder, plus the local store's temp-file cleanup.</summary>
public sealed class LocalArtifactStoreTests : ArtifactStoreContract
{
    private readonly TempFolder _folder = new();

    private string Root => Path.Combine(_folder.Path, "artifacts");

    private string Temp => Path.Combine(Root, ".tmp");

    protected override Task<IArtifactStore> CreateAsync(TimeProvider time) => Task.FromResult<IArtifactStore>(LocalArtifactStore.Open(Root, time));

    protected override Task CloseAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    protected override int CountStoredObjects() => Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Count();

    protected override IReadOnlyList<string> TemporaryObjects() =>
        Directory.Exists(Temp) ? Directory.GetFiles(Temp) : [];

    [Fact]
    public async Task Put_Content_StoredUnderHashPrefixFolder()
    {
        var blob = await Store.PutAsync(new MemoryStream([1, 2, 3]));
        Assert.True(File.Exists(Path.Combine(Root, blob.Sha256[..2], blob.Sha256)));
    }

    [Fact]
    public void Open_OldAndFreshTempFiles_RemovesOnlyOldOnes()
    {
        var time = new FakeTimeProvider();
        var old = Path.Combine(Temp, "old.part");
        var fresh = Path.Combine(Temp, "fresh.part");
        File.WriteAllText(old, "x");
        File.WriteAllText(fresh, "y");
        File.SetLastWriteTimeUtc(old, time.GetUtcNow().UtcDateTime.AddHours(-2));
        File.SetLastWriteTimeUtc(fresh, time.GetUtcNow().UtcDateTime.AddMinutes(-5));
        LocalArtifactStore.Open(Root, time);
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
    }
}
