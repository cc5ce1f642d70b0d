using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Tracking.Sqlite;
using Keel.Tracking.Tests.Contracts;
using Npgsql;

namespace Keel.Tracking.Tests.Postgres;

/// <summary>The tracking contract against a real PostgreSQL schema.</summary>
public sealed class PostgresTrackingStoreTests : TrackingStoreContract
{
    private readonly PostgresStoreScope _scope = new();

    protected override async Task<ITrackingStore> CreateAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Tracking;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();

    protected override async Task InsertRunWithIdAsync(string experimentId, string runId, DateTimeOffset startTime)
    {
        await using var conn = new NpgsqlConnection(PostgresTestServer.ConnectionFor(_scope.Schema!));
        await conn.OpenAsync();
        await conn.ExecAsync(null, "INSERT INTO runs (id, experiment_id, name, status, start_time) VALUES ($id, $e, 'crafted', 'running', $t);", default,
            ("$id", runId), ("$e", experimentId), ("$t", TimeText.Write(startTime)));
    }
}

/// <summary>The registry contract against a real PostgreSQL schema, plus numbering across two connections pools (two processes).</summary>
public sealed class PostgresModelRegistryTests : ModelRegistryContract
{
    private readonly PostgresStoreScope _scope = new();
    private KeelStore? _first;

    protected override async Task<IModelRegistry> CreateAsync(TimeProvider time) => (_first = await _scope.OpenAsync(time)).Registry;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();

    [Fact]
    public async Task Register_FromTwoStoresOnOneSchema_VersionsOneToSixteenOnce()
    {
        var other = (await _scope.OpenAsync(Time, _scope.UriOf(_first!))).Registry;
        var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(() => (i % 2 == 0 ? Registry : other).RegisterAsync(Version(candidate: $"c{i}"))));
        var versions = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(1, 16), versions.Select(v => v.Version).Order());
        Assert.Equal(16, (await Registry.GetModelAsync("credit"))!.LatestVersion);
    }
}

/// <summary>The deployment store contract against a real PostgreSQL schema, plus the append-only triggers.</summary>
public sealed class PostgresDeploymentStoreTests : DeploymentStoreContract
{
    private readonly PostgresStoreScope _scope = new();

    protected override async Task<IDeploymentStore> CreateAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Deployments;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();

    [Fact]
    public async Task History_EditOrDeleteInDatabase_RefusedByTrigger()
    {
        await Store.ApplyAsync(Definition(), "ann");
        await using var conn = new NpgsqlConnection(PostgresTestServer.ConnectionFor(_scope.Schema!));
        await conn.OpenAsync();
        foreach (var sql in new[] { "UPDATE deployment_events SET actor = 'mallory';", "DELETE FROM deployment_events;", "UPDATE deployment_specs SET spec_text = 'x';" })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecAsync(null, sql, default));
            Assert.Matches("append-only|immutable", e.MessageText);
        }
    }
}

/// <summary>The run lifecycle contract against a real PostgreSQL schema and artifact folder.</summary>
public sealed class PostgresRunLifecycleTests : RunLifecycleContract
{
    private readonly PostgresStoreScope _scope = new();

    protected override async Task<StoreSet> CreateAsync(TimeProvider time)
    {
        var store = await _scope.OpenAsync(time);
        return new StoreSet(store.Tracking, store.Registry, store.Artifacts);
    }

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();
}

/// <summary>The alert store contract against a real PostgreSQL schema, plus the append-only triggers.</summary>
public sealed class PostgresAlertStoreTests : AlertStoreContract
{
    private readonly PostgresStoreScope _scope = new();

    protected override Task<KeelStore> CreateAsync(TimeProvider time) => _scope.OpenAsync(time);

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();

    [Fact]
    public async Task History_EditOrDeleteInDatabase_RefusedByTrigger()
    {
        await Store.AppendAsync(Alert());
        await using var conn = new NpgsqlConnection(PostgresTestServer.ConnectionFor(_scope.Schema!));
        await conn.OpenAsync();
        foreach (var sql in new[] { "UPDATE alerts SET value = 0;", "DELETE FROM alerts;" })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecAsync(null, sql, default));
            Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal);
        }
    }
}

/// <summary>The monitoring results contract against a real PostgreSQL schema.</summary>
public sealed class PostgresMonitoringStoreTests : MonitoringStoreContract
{
    private readonly PostgresStoreScope _scope = new();

    protected override async Task<Keel.Core.Monitoring.IMonitoringStore> CreateAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Monitoring;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();
}

/// <summary>The study store contract against a real PostgreSQL schema (trials claimed under the schema's write lock).</summary>
public sealed class PostgresStudyStoreTests : StudyStoreContract
{
    private readonly PostgresStoreScope _scope = new();

    protected override async Task<Keel.Core.Search.IStudyStore> CreateAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Studies;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();
}

/// <summary>The audit log contract against a real PostgreSQL schema.</summary>
public sealed class PostgresAuditLogTests : AuditLogContract
{
    private readonly PostgresStoreScope _scope = new();

    protected override async Task<Keel.Core.Access.IAuditLog> CreateAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Audit;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();
}
