using Keel.Core.Monitoring;
using Keel.Tracking.Sqlite;
using Keel.Tracking.Tests.Contracts;
using Microsoft.Data.Sqlite;

namespace Keel.Tracking.Tests.Sqlite;

/// <summary>The monitoring store contract against a real SQLite file, plus the triggers that keep results append-only.</summary>
public sealed class SqliteMonitoringStoreTests : MonitoringStoreContract
{
    private readonly StoreScope _scope = new();

    protected override async Task<IMonitoringStore> CreateAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Monitoring;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();

    [Fact]
    public async Task Results_EditOrDeleteInDatabase_RefusedByTrigger()
    {
        await Store.AppendAsync([Window("2024-02")]);
        await using var conn = new SqliteConnection($"Data Source={Path.Combine(_scope.Folder, ".keel", "keel.db")}");
        await conn.OpenAsync();
        foreach (var sql in new[] { "UPDATE monitoring_windows SET window_label = 'x';", "DELETE FROM monitoring_windows;" })
        {
            var e = await Assert.ThrowsAsync<SqliteException>(() => conn.ExecAsync(null, sql, default));
            Assert.Contains("append-only", e.Message);
        }
    }
}
