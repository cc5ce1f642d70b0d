using Keel.Core.Alerts;
using Keel.Tracking.Sqlite;
using Keel.Tracking.Tests.Contracts;
using Microsoft.Data.Sqlite;

namespace Keel.Tracking.Tests.Sqlite;

/// <summary>The alert store contract against a real SQLite file, plus its append-only triggers.</summary>
public sealed class SqliteAlertStoreTests : AlertStoreContract
{
    private readonly StoreScope _scope = new();

    protected override Task<KeelStore> CreateAsync(TimeProvider time) => _scope.OpenAsync(time);

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();

    [Fact]
    public async Task History_EditOrDeleteInDatabase_RefusedByTrigger()
    {
        await Store.AppendAsync(Alert());
        await using var conn = new SqliteConnection($"Data Source={Path.Combine(_scope.Folder, ".keel", "keel.db")}");
        await conn.OpenAsync();
        foreach (var sql in new[] { "UPDATE alerts SET value = 0;", "DELETE FROM alerts;" })
        {
            var e = await Assert.ThrowsAsync<SqliteException>(() => conn.ExecAsync(null, sql, default));
            Assert.Contains("append-only", e.Message, StringComparison.Ordinal);
        }
    }
}
