using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Tracking.Tests.Contracts;

namespace Keel.Tracking.Tests.Sqlite;

/// <summary>The tracking contract against a real SQLite store in a temp folder.</summary>
public sealed class SqliteTrackingStoreContractTests : TrackingStoreContract
{
    private readonly StoreScope _scope = new();

    protected override async Task<ITrackingStore> CreateStoreAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Tracking;

    protected override Task DisposeStoreAsync() => _scope.DisposeAsync().AsTask();
}

/// <summary>The registry contract against a real SQLite store in a temp folder.</summary>
public sealed class SqliteModelRegistryContractTests : ModelRegistryContract
{
    private readonly StoreScope _scope = new();

    protected override async Task<IModelRegistry> CreateRegistryAsync(TimeProvider time) => (await _scope.OpenAsync(time)).Registry;

    protected override Task DisposeRegistryAsync() => _scope.DisposeAsync().AsTask();
}

/// <summary>The artifact contract against the local folder store.</summary>
public sealed class LocalArtifactStoreContractTests : ArtifactStoreContract
{
    private readonly StoreScope _scope = new();

    protected override async Task<IArtifactStore> CreateArtifactStoreAsync() => (await _scope.OpenAsync()).Artifacts;

    protected override Task DisposeArtifactStoreAsync() => _scope.DisposeAsync().AsTask();
}
