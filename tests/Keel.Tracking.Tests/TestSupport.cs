namespace Keel.Tracking.Tests;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "keel-tracking-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Opens real SQLite stores in temp folders and closes them after the test.</summary>
public sealed class StoreScope : IAsyncDisposable
{
    private readonly List<KeelStore> _stores = [];
    private readonly TempFolder _folder = new();

    public string Folder => _folder.Path;

    public async Task<KeelStore> OpenAsync(TimeProvider? time = null, string? uri = null)
    {
        var store = await KeelStore.OpenAsync(new StoreOptions { Uri = uri ?? System.IO.Path.Combine(Folder, ".keel"), Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)), BaseDirectory = Folder });
        _stores.Add(store);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _stores) await s.DisposeAsync();
        _folder.Dispose();
    }
}
