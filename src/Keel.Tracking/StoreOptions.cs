namespace Keel.Tracking;

/// <summary>Where a Keel store lives and how it is opened.</summary>
public sealed record StoreOptions
{
    /// <summary>
    /// Store URI. Default ".keel": a folder holding keel.db and artifacts/. Also accepted: "postgresql://USER@HOST:PORT/DATABASE?schema=NAME"
    /// (artifacts in <see cref="ArtifactRoot"/>, default .keel/artifacts), "sqlite:PATH/TO/keel.db" or
    /// "sqlite:///abs/path/keel.db", whose artifacts go to an "artifacts" folder beside the db file unless <see cref="ArtifactRoot"/> is set.
    /// </summary>
    public string Uri { get; init; } = ".keel";

    /// <summary>Folder for artifact files. Default null: derived from <see cref="Uri"/>.</summary>
    public string? ArtifactRoot { get; init; }

    /// <summary>Folder that relative paths in <see cref="Uri"/> and <see cref="ArtifactRoot"/> resolve against. Default null: the current directory.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Clock for created/updated times. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Open for reading only (SQLite Mode=ReadOnly): nothing is created, migrated, cleaned or written. Default false.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>How long a running run may go without a heartbeat before it counts as dead and is marked killed. Default 60 seconds.</summary>
    public TimeSpan RunLease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a running run's process refreshes its heartbeat; must be under half of <see cref="RunLease"/>. Default 10 seconds.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The absolute folder holding the store's database file (the store folder, or the sqlite file's folder); nothing is created.</summary>
    /// <exception cref="Keel.Core.KeelInputException">The URI is malformed or has an unsupported scheme.</exception>
    public string ResolveFolder() => Path.GetDirectoryName(StoreLocation.Parse(this).DatabasePath)!;
}
