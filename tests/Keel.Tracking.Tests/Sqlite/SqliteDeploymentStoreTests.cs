using Keel.Core.Deployments;
using Keel.Tracking.Sqlite;
using Keel.Tracking.Tests.Contracts;
using Microsoft.Data.Sqlite;

namespace Keel.Tracking.Tests.Sqlite;

/// <summary>The deployment store contract against a real SQLite file, plus what only SQLite shows: triggers and the in-place upgrade from version 2.</summary>
public sealed class SqliteDeploymentStoreTests : DeploymentStoreContract
{
    private readonly StoreScope _scope = new();

    protected override async Task<IDeploymentStore> CreateAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Deployments;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();

    private string DbPath => Path.Combine(_scope.Folder, ".keel", "keel.db");

    [Fact]
    public async Task History_EditOrDeleteInDatabase_RefusedByTrigger()
    {
        await Store.ApplyAsync(Definition(), "ann");
        await using var conn = new SqliteConnection($"Data Source={DbPath}");
        await conn.OpenAsync();
        foreach (var sql in new[] { "UPDATE deployment_events SET actor = 'mallory';", "DELETE FROM deployment_events;", "UPDATE deployment_specs SET spec_text = 'x';" })
        {
            var e = await Assert.ThrowsAsync<SqliteException>(() => conn.ExecAsync(null, sql, default));
            Assert.Matches("append-only|immutable", e.Message);
        }
    }

    [Fact]
    public async Task Open_SchemaVersion2Store_UpgradesInPlaceKeepingRegistry()
    {
        // A version-2 file (what a Keel before deployments left), with one registered model in it.
        var path = await _scope.OldStoreAsync(2, "INSERT INTO registered_models VALUES ('credit', '2026-01-01T00:00:00.0000000Z');");
        var store = await _scope.OpenAsync(Time, "sqlite:" + path);
        Assert.NotNull(await store.Registry.GetModelAsync("credit"));
        await store.Deployments.ApplyAsync(Definition(), "ann");
        Assert.Single(await store.Deployments.ListAsync());
        await using var check = new SqliteConnection($"Data Source={path}");
        await check.OpenAsync();
        Assert.Equal((long)SchemaMigrations.Latest, await check.ScalarAsync(null, "SELECT MAX(version) FROM schema_version;", default));
    }
}

/// <summary>The audit log contract against a real SQLite file, plus its append-only trigger.</summary>
public sealed class SqliteAuditLogTests : AuditLogContract
{
    private readonly StoreScope _scope = new();

    protected override async Task<Keel.Core.Access.IAuditLog> CreateAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Audit;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();

    [Fact]
    public async Task AuditLog_EditOrDeleteInDatabase_RefusedByTrigger()
    {
        await Log.AppendAsync(new Keel.Core.Access.AuditEntry(0, T0, "ann", "POST /api/v1/runs", "run x", 200));
        await using var conn = new SqliteConnection($"Data Source={Path.Combine(_scope.Folder, ".keel", "keel.db")}");
        await conn.OpenAsync();
        foreach (var sql in new[] { "UPDATE audit_log SET actor = 'mallory';", "DELETE FROM audit_log;" })
            Assert.Contains("append-only", (await Assert.ThrowsAsync<SqliteException>(() => conn.ExecAsync(null, sql, default))).Message);
    }
}
