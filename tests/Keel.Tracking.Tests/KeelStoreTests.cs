using Keel.Core;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Tracking.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Tracking.Tests;

public sealed class KeelStoreTests
{
    [Fact]
    public async Task OpenAsync_Reopened_KeepsRunsModelsAndArtifacts()
    {
        await using var scope = new StoreScope();
        string runId;
        await using (var first = await scope.OpenAsync())
        {
            var e = await first.Tracking.GetOrCreateExperimentAsync("credit");
            runId = (await first.Tracking.CreateRunAsync(e.Id, "r", DateTimeOffset.UnixEpoch, new Dictionary<string, string>())).Id;
            await first.Tracking.LogBatchAsync(runId, new LogBatch { Params = new Dictionary<string, string> { ["p"] = "1" } });
            var entry = await first.LogArtifactBytesAsync(runId, "notes/a.txt", "hello"u8.ToArray());
            await first.Registry.RegisterAsync(new ModelVersion
            {
                Name = "credit", SourceRunId = runId, ModelSha256 = entry.Sha256, Candidate = "c", Task = "binary", SchemaJson = "{}", DataSha256 = "",
            });
        }
        var second = await scope.OpenAsync();
        Assert.Equal("1", (await second.Tracking.GetRunAsync(runId))!.Params["p"]);
        Assert.Equal("hello"u8.ToArray(), await second.ReadArtifactAsync(runId, "notes/a.txt"));
        Assert.Equal(1, (await second.Registry.GetModelAsync("credit"))!.LatestVersion);
        Assert.Contains("keel.db", second.Description);
    }

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
    public async Task GetRun_AmbiguousPrefix_ThrowsListingMatches()
    {
        await using var scope = new StoreScope();
        var store = await scope.OpenAsync();
        var e = await store.Tracking.GetOrCreateExperimentAsync("x");
        var db = Path.Combine(scope.Folder, ".keel", "keel.db");
        await using (var conn = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await conn.OpenAsync();
            foreach (var id in new[] { "abcdef" + new string('1', 26), "abcdef" + new string('2', 26) })
                await conn.ExecAsync(null, "INSERT INTO runs (id, experiment_id, name, status, start_time) VALUES ($i, $e, 'r', 'running', '2026-01-01T00:00:00.0000000Z');", default,
                    ("$i", id), ("$e", e.Id));
        }
        var ex = await Assert.ThrowsAsync<KeelInputException>(() => store.Tracking.GetRunAsync("abcdef"));
        Assert.Contains("abcdef" + new string('1', 26), ex.Message);
        Assert.Contains("abcdef" + new string('2', 26), ex.Message);
        Assert.NotNull(await store.Tracking.GetRunAsync("abcdef1"));
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
