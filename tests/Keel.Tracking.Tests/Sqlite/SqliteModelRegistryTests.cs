using Keel.Core.Registry;
using Keel.Tracking.Tests.Contracts;

namespace Keel.Tracking.Tests.Sqlite;

/// <summary>The registry contract against a real SQLite file in a temp folder, plus sharing that file between stores.</summary>
public sealed class SqliteModelRegistryTests : ModelRegistryContract
{
    private readonly StoreScope _scope = new();

    protected override async Task<IModelRegistry> CreateAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Registry;

    protected override Task CloseAsync() => _scope.DisposeAsync().AsTask();

    [Fact]
    public async Task Register_FromTwoStoresOnOneFile_VersionsOneToEightOnce()
    {
        // Two opened stores stand in for two processes: numbering must hold across connections, not just within one.
        var other = (await _scope.OpenAsync(Time)).Registry;
        var tasks = Enumerable.Range(0, 8).Select(i => Task.Run(() => (i % 2 == 0 ? Registry : other).RegisterAsync(Version(candidate: $"c{i}"))));
        var versions = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(1, 8), versions.Select(v => v.Version).Order());
        Assert.Equal(8, (await Registry.GetModelAsync("credit"))!.LatestVersion);
    }
}
