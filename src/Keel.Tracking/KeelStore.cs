using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Tracking.Artifacts;
using Keel.Tracking.Sqlite;

namespace Keel.Tracking;

/// <summary>The opened stores of one process: tracking, registry and artifacts, located by <see cref="StoreOptions"/>.</summary>
public sealed class KeelStore : IAsyncDisposable
{
    private readonly SqliteDatabase _db;

    private KeelStore(SqliteDatabase db, LocalArtifactStore artifacts, TimeProvider time, string description)
    {
        _db = db;
        Tracking = new SqliteTrackingStore(db, time);
        Registry = new SqliteModelRegistry(db, time);
        Artifacts = artifacts;
        Description = description;
    }

    /// <summary>Experiments, runs, params, metrics, tags and artifact entries.</summary>
    public ITrackingStore Tracking { get; }

    /// <summary>Registered models, versions and aliases (same database as <see cref="Tracking"/>).</summary>
    public IModelRegistry Registry { get; }

    /// <summary>Content-addressed artifact files.</summary>
    public IArtifactStore Artifacts { get; }

    /// <summary>Where the store lives, e.g. "sqlite:/abs/.keel/keel.db, artifacts /abs/.keel/artifacts".</summary>
    public string Description { get; }

    /// <summary>Opens (creating folders and the database if needed, migrating its schema) the store named by <paramref name="options"/>.</summary>
    /// <exception cref="Keel.Core.KeelInputException">The URI is not a folder or sqlite:PATH, or the database is newer than this Keel.</exception>
    public static async Task<KeelStore> OpenAsync(StoreOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var location = StoreLocation.Parse(options);
        var db = await SqliteDatabase.OpenAsync(location.DatabasePath, options.Time, ct);
        var artifacts = LocalArtifactStore.Open(location.ArtifactRoot, options.Time);
        return new KeelStore(db, artifacts, options.Time, location.Description);
    }

    /// <summary>Releases pooled database connections, so the files can be moved or deleted.</summary>
    public ValueTask DisposeAsync()
    {
        _db.Release();
        return ValueTask.CompletedTask;
    }
}
