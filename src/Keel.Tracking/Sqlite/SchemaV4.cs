namespace Keel.Tracking.Sqlite;

/// <summary>Schema version 4: monitoring results, one row per monitored window of a model version (append-only).</summary>
internal static class SchemaV4
{
    // Only a new table: a version-3 store upgrades in place with everything it holds untouched.
    public const string Sql = """
        CREATE TABLE monitoring_windows (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            model TEXT NOT NULL,
            version INTEGER NOT NULL,
            window_label TEXT NOT NULL,
            from_time TEXT,
            to_time TEXT,
            created_at TEXT NOT NULL,
            source TEXT NOT NULL,
            figures_json TEXT NOT NULL,
            detail_json TEXT NOT NULL);
        CREATE INDEX monitoring_windows_model ON monitoring_windows(model, version, id);
        CREATE TRIGGER monitoring_windows_no_update BEFORE UPDATE ON monitoring_windows
            BEGIN SELECT RAISE(ABORT, 'monitoring results are append-only'); END;
        CREATE TRIGGER monitoring_windows_no_delete BEFORE DELETE ON monitoring_windows
            BEGIN SELECT RAISE(ABORT, 'monitoring results are append-only'); END;
        """;
}
