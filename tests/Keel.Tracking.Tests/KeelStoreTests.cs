using Keel.Core;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Tracking.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Tracking.Tests;

public sealed class KeelStoreTests
{
    [Fact]
    public async Task OpenAsync_NewFolder_WalSchemaVersionAndFolders()
    {
        await using var scope = new StoreScope();
        await scope.OpenAsync();
        await scope.OpenAsync();
        var db = Path.Combine(scope.Folder, ".keel", "keel.db");
        Assert.True(Directory.Exists(Path.Combine(scope.Folder, ".keel", "artifacts")));
        await using var conn = new SqliteConnection($"Data Source={db};Pooling=False");
        await conn.OpenAsync();
        Assert.Equal("wal", await conn.ScalarAsync(null, "PRAGMA journal_mode;", default));
        Assert.Equal((long)SchemaMigrations.Latest, await conn.ScalarAsync(null, "SELECT COUNT(*) FROM schema_version;", default));
        Assert.Equal((long)SchemaMigrations.Latest, await conn.ScalarAsync(null, "SELECT MAX(version) FROM schema_version;", default));
    }

    [Fact]
    public async Task OpenAsync_DatabaseFromNewerKeel_ThrowsInput()
    {
        await using var scope = new StoreScope();
        await (await scope.OpenAsync()).DisposeAsync();
        var db = Path.Combine(scope.Folder, ".keel", "keel.db");
        await using (var conn = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await conn.OpenAsync();
            await conn.ExecAsync(null, "INSERT INTO schema_version VALUES (999, 'x');", default);
        }
        var e = await Assert.ThrowsAsync<KeelInputException>(() => scope.OpenAsync());
        Assert.Contains("999", e.Message);
    }

    [Fact]
    public async Task ModelVersions_UpdatedDirectly_RefusedByDatabase()
    {
        await using var scope = new StoreScope();
        var store = await scope.OpenAsync();
        await store.Registry.RegisterAsync(new ModelVersion
        {
            Name = "m", SourceRunId = "r", ModelSha256 = new string('a', 64), Candidate = "c", Task = "t", SchemaJson = "{}", DataSha256 = "",
        });
        await using var conn = new SqliteConnection($"Data Source={Path.Combine(scope.Folder, ".keel", "keel.db")};Pooling=False");
        await conn.OpenAsync();
        await Assert.ThrowsAsync<SqliteException>(() => conn.ExecAsync(null, "UPDATE model_versions SET candidate = 'x';", default));
        await store.Registry.SetAliasAsync("m", "champion", 1, "ann", null);
        await Assert.ThrowsAsync<SqliteException>(() => conn.ExecAsync(null, "DELETE FROM alias_events;", default));
    }

    [Fact]
    public async Task OpenAsync_ReadOnlyWithoutStore_ThrowsNotFoundAndCreatesNothing()
    {
        await using var scope = new StoreScope();
        var options = new StoreOptions { Uri = ".keel", BaseDirectory = scope.Folder, ReadOnly = true };

        var e = await Assert.ThrowsAsync<KeelNotFoundException>(() => KeelStore.OpenAsync(options));

        Assert.Contains(Path.Combine(scope.Folder, ".keel", "keel.db"), e.Message);
        Assert.False(Directory.Exists(Path.Combine(scope.Folder, ".keel")));
    }

    [Fact]
    public async Task OpenAsync_ReadOnly_ReadsButRefusesWrites()
    {
        await using var scope = new StoreScope();
        var writable = await scope.OpenAsync();
        var e = await writable.Tracking.GetOrCreateExperimentAsync("exp");
        await writable.Tracking.CreateRunAsync(e.Id, "r", DateTimeOffset.UnixEpoch, new Dictionary<string, string>());
        await writable.DisposeAsync();

        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = ".keel", BaseDirectory = scope.Folder, ReadOnly = true });

        Assert.Single((await store.Tracking.SearchRunsAsync(new RunQuery())).Runs);
        await Assert.ThrowsAsync<SqliteException>(() => store.Tracking.GetOrCreateExperimentAsync("other"));
    }

    [Fact]
    public async Task OpenAsync_ReadOnlyOnSchemaVersion1_ThrowsInputSayingUpgrade()
    {
        await using var scope = new StoreScope();
        await (await scope.OpenAsync()).DisposeAsync();
        await using (var conn = new SqliteConnection($"Data Source={Path.Combine(scope.Folder, ".keel", "keel.db")};Pooling=False"))
        {
            await conn.OpenAsync();
            await conn.ExecAsync(null, "DELETE FROM schema_version WHERE version > 1;", default);
        }

        var e = await Assert.ThrowsAsync<KeelInputException>(() => KeelStore.OpenAsync(new StoreOptions { Uri = ".keel", BaseDirectory = scope.Folder, ReadOnly = true }));

        Assert.Contains("upgraded", e.Message);
    }
}
