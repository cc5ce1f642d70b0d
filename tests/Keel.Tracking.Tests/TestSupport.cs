using Keel.Tracking.Sqlite;
using Microsoft.Data.Sqlite;

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

    /// <summary>A store file as a Keel at schema <paramref name="version"/> left it, built by hand under the scope's folder: the first
    /// <paramref name="version"/> migrations, their schema_version rows, then <paramref name="rows"/> (SQL inserting what it held).
    /// Returns the file's path; open it with <c>OpenAsync(time, "sqlite:" + path)</c> to upgrade it in place.</summary>
    public async Task<string> OldStoreAsync(int version, string rows)
    {
        var path = System.IO.Path.Combine(Folder, $"old-v{version}", "keel.db");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        await using var conn = new SqliteConnection($"Data Source={path};Pooling=False");
        await conn.OpenAsync();
        await conn.ExecAsync(null, "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL);"
            + string.Concat(SchemaMigrations.Steps.Take(version))
            + string.Concat(Enumerable.Range(1, version).Select(v => $"INSERT INTO schema_version VALUES ({v}, '2026-01-01T00:00:00.0000000Z');"))
            + rows, default);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _stores) await s.DisposeAsync();
        _folder.Dispose();
    }
}
