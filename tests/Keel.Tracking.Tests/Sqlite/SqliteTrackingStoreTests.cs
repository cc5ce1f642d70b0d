using Keel.Core.Tracking;
using Keel.Tracking.Sqlite;
using Keel.Tracking.Tests.Contracts;

namespace Keel.Tracking.Tests.Sqlite;

/// <summary>The tracking contract against a real SQLite file in a temp folder.</summary>
public sealed class SqliteTrackingStoreTests : TrackingStoreContract
{
    private readonly StoreScope _scope = new();

    protected override async Task<ITrackingStore> CreateAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Tracking;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();

    protected override async Task InsertRunWithIdAsync(string experimentId, string runId, DateTimeOffset startTime)
    {
        var db = await SqliteDatabase.OpenAsync(Path.Combine(_scope.Folder, ".keel", "keel.db"), TimeProvider.System, default);
        await db.WriteAsync((conn, tx) => conn.ExecAsync(tx,
            "INSERT INTO runs (id, experiment_id, name, status, start_time) VALUES ($id, $e, 'crafted', 'running', $t);", default,
            ("$id", runId), ("$e", experimentId), ("$t", TimeText.Write(startTime))), default);
        db.Release();
    }
}
