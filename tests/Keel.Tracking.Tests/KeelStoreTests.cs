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
        Assert.Equal(1L, await conn.ScalarAsync(null, "SELECT COUNT(*) FROM schema_version;", default));
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
}
