using Keel.Tracking.Tests.Contracts;

namespace Keel.Tracking.Tests.Sqlite;

/// <summary>The run lifecycle contract against a real SQLite file and artifact folder.</summary>
public sealed class SqliteRunLifecycleTests : RunLifecycleContract
{
    private readonly StoreScope _scope = new();

    protected override async Task<StoreSet> CreateAsync(TimeProvider time)
    {
        var store = await _scope.OpenAsync(time);
        return new StoreSet(store.Tracking, store.Registry, store.Artifacts);
    }

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();
}
