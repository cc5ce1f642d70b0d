using Keel.Core.Registry;
using Keel.Tracking.Tests.Contracts;

namespace Keel.Tracking.Tests.Sqlite;

/// <summary>The registry contract against a real SQLite file in a temp folder.</summary>
public sealed class SqliteModelRegistryTests : ModelRegistryContract
{
    private readonly StoreScope _scope = new();

    protected override async Task<IModelRegistry> CreateAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Registry;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();
}
