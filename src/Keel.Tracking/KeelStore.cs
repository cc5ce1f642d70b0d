using Keel.Core.Alerts;
using Keel.Core.Artifacts;
using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Core.Search;
using Keel.Core.Tracking;
using Keel.Tracking.Artifacts;
using Keel.Tracking.Sqlite;

namespace Keel.Tracking;

/// <summary>The opened stores of one process: tracking, registry and artifacts, located by <see cref="StoreOptions"/>.</summary>
public sealed class KeelStore : IAsyncDisposable
{
    private readonly StoreDatabase _db;

    private KeelStore(StoreDatabase db, LocalArtifactStore artifacts, StoreOptions options, string description, string databasePath,
        Keel.Tracking.Postgres.PostgresUri? postgres = null)
    {
        Postgres = postgres;
        DatabasePath = databasePath;
        var time = options.Time;
        _db = db;
        Options = options;
        Tracking = new SqliteTrackingStore(db, time);
        Registry = new SqliteModelRegistry(db, time);
        Deployments = new SqliteDeploymentStore(db, time);
        Alerts = new SqliteAlertStore(db);
        Monitoring = new SqliteMonitoringStore(db);
        Studies = new SqliteStudyStore(db);
        Audit = new SqliteAuditLog(db);
        Artifacts = artifacts;
        Description = description;
    }

    /// <summary>Experiments, runs, params, metrics, tags and artifact entries.</summary>
    public ITrackingStore Tracking { get; }

    /// <summary>Registered models, versions and aliases (same database as <see cref="Tracking"/>).</summary>
    public IModelRegistry Registry { get; }

    /// <summary>Deployments, their state history, the review queue, feedback and API tokens (same database as <see cref="Tracking"/>).</summary>
    public IDeploymentStore Deployments { get; }

    /// <summary>The alert history (same database as <see cref="Tracking"/>).</summary>
    public IAlertStore Alerts { get; }

    /// <summary>Monitoring results per model version (same database as <see cref="Tracking"/>).</summary>
    public Keel.Core.Monitoring.IMonitoringStore Monitoring { get; }

    /// <summary>Hyper-parameter search studies and their trials (same database as <see cref="Tracking"/>).</summary>
    public IStudyStore Studies { get; }

    /// <summary>The tracking server's append-only log of writes (same database as <see cref="Tracking"/>).</summary>
    public Keel.Core.Access.IAuditLog Audit { get; }

    /// <summary>Content-addressed artifact files.</summary>
    public IArtifactStore Artifacts { get; }

    /// <summary>The options the store was opened with (lease, heartbeat interval, clock, read-only).</summary>
    public StoreOptions Options { get; }

    /// <summary>
    /// The absolute path of the SQLite database file (keel.db); other local stores (e.g. the prediction log) live beside it. On
    /// PostgreSQL, a keel.db path in the folder above the artifact root (never created), so those local stores have a place.
    /// </summary>
    public string DatabasePath { get; }

    /// <summary>Where the store lives, e.g. "sqlite:/abs/.keel/keel.db, artifacts /abs/.keel/artifacts".</summary>
    public string Description { get; }

    /// <summary>
    /// Opens the store named by <paramref name="options"/>: creating folders and the database if needed and migrating its schema, or,
    /// with <see cref="StoreOptions.ReadOnly"/>, only reading an existing one.
    /// </summary>
    /// <exception cref="Keel.Core.KeelInputException">
    /// The URI is not a folder or sqlite:PATH, the database is newer than this Keel, the store cannot be written (or, read-only, does not exist).
    /// </exception>
    public static async Task<KeelStore> OpenAsync(StoreOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RunLease <= TimeSpan.Zero || options.HeartbeatInterval <= TimeSpan.Zero || options.HeartbeatInterval * 2 > options.RunLease)
            throw new Keel.Core.KeelInputException($"store run lease {options.RunLease.TotalSeconds} s, heartbeat interval {options.HeartbeatInterval.TotalSeconds} s: expected both positive and the interval at most half the lease");
        var location = StoreLocation.Parse(options);
        if (location.Postgres is { } pg)
        {
            var pgDb = await Keel.Tracking.Postgres.PostgresDatabase.OpenAsync(pg, options.Time, options.ReadOnly, ct);
            try
            {
                var pgArtifacts = options.ReadOnly ? LocalArtifactStore.OpenReadOnly(location.ArtifactRoot, options.Time) : LocalArtifactStore.Open(location.ArtifactRoot, options.Time);
                return new KeelStore(pgDb, pgArtifacts, options, location.Description, location.DatabasePath, pg);
            }
            catch
            {
                pgDb.Release();
                throw;
            }
        }
        if (options.ReadOnly)
        {
            var readOnly = await SqliteDatabase.OpenReadOnlyAsync(location.DatabasePath, ct);
            return new KeelStore(readOnly, LocalArtifactStore.OpenReadOnly(location.ArtifactRoot, options.Time), options, location.Description, location.DatabasePath);
        }
        var db = await SqliteDatabase.OpenAsync(location.DatabasePath, options.Time, ct);
        try
        {
            var artifacts = LocalArtifactStore.Open(location.ArtifactRoot, options.Time);
            return new KeelStore(db, artifacts, options, location.Description, location.DatabasePath);
        }
        catch
        {
            db.Release();
            throw;
        }
    }

    /// <summary>The PostgreSQL database and schema the store lives in; null on SQLite.</summary>
    internal Keel.Tracking.Postgres.PostgresUri? Postgres { get; }

    /// <summary>The backend: "sqlite" or "postgresql".</summary>
    public string Backend => _db is Keel.Tracking.Postgres.PostgresDatabase ? "postgresql" : "sqlite";

    /// <summary>The schema version of the store's database (migrations are applied when a store is opened for writing).</summary>
    public Task<int> SchemaVersionAsync(CancellationToken ct = default) => _db.SchemaVersionAsync(ct);

    /// <summary>Bytes on disk of the database files (with its WAL) and of the artifact folder.</summary>
    public (long Database, long Artifacts) SizeOnDisk()
    {
        var dbBytes = new[] { "", "-wal", "-shm" }.Select(s => new FileInfo(DatabasePath + s)).Where(f => f.Exists).Sum(f => f.Length);
        var root = new DirectoryInfo(((LocalArtifactStore)Artifacts).Root);
        var artifactBytes = root.Exists ? root.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
        return (dbBytes, artifactBytes);
    }

    /// <summary>Releases pooled database connections, so the files can be moved or deleted.</summary>
    public ValueTask DisposeAsync()
    {
        _db.Release();
        return ValueTask.CompletedTask;
    }
}
