using Keel.Tracking.Tests.Contracts;

namespace Keel.Tracking.Tests;

/// <summary>Eight concurrent writers on one store lose nothing, on SQLite and on PostgreSQL.</summary>
public sealed class ConcurrentWriterTests
{
    [Fact]
    public async Task LogMetrics_EightWritersOnSqlite_NothingLost()
    {
        await using var scope = new StoreScope();
        await ConcurrentWriters.LogMetricsAsync(() => KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(scope.Folder, ".keel") }));
    }

    [Fact]
    public async Task LogMetrics_EightWritersOnPostgres_NothingLost()
    {
        await using var scope = new PostgresStoreScope();
        var uri = scope.UriOf(await scope.OpenAsync());
        await ConcurrentWriters.LogMetricsAsync(() => scope.OpenAsync(uri: uri));
    }

    [Fact]
    public async Task Register_EightWritersOnSqlite_VersionsUniqueAndGapFree()
    {
        await using var scope = new StoreScope();
        await ConcurrentWriters.RegisterAsync(() => KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(scope.Folder, ".keel") }));
    }

    [Fact]
    public async Task Register_EightWritersOnPostgres_VersionsUniqueAndGapFree()
    {
        await using var scope = new PostgresStoreScope();
        var uri = scope.UriOf(await scope.OpenAsync());
        await ConcurrentWriters.RegisterAsync(() => scope.OpenAsync(uri: uri));
    }
}
