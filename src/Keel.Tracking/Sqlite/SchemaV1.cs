namespace Keel.Tracking.Sqlite;

/// <summary>Schema version 1: tracking and registry tables in one file.</summary>
internal static class SchemaV1
{
    public const string Sql = """
        CREATE TABLE experiments (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL);
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            experiment_id TEXT NOT NULL REFERENCES experiments(id),
            name TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'killed')),
            start_time TEXT NOT NULL,
            end_time TEXT);
        CREATE INDEX runs_experiment ON runs(experiment_id, start_time);
        CREATE INDEX runs_status ON runs(status);
        CREATE TABLE params (
            run_id TEXT NOT NULL REFERENCES runs(id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, key));
        CREATE TABLE tags (
            run_id TEXT NOT NULL REFERENCES runs(id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, key));
        CREATE TABLE metrics (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL REFERENCES runs(id),
            key TEXT NOT NULL,
            value REAL,
            step INTEGER NOT NULL,
            timestamp TEXT NOT NULL);
        CREATE INDEX metrics_run_key ON metrics(run_id, key, step, timestamp);
        CREATE TABLE latest_metrics (
            run_id TEXT NOT NULL REFERENCES runs(id),
            key TEXT NOT NULL,
            value REAL,
            step INTEGER NOT NULL,
            timestamp TEXT NOT NULL,
            PRIMARY KEY (run_id, key));
        CREATE INDEX latest_metrics_key ON latest_metrics(key, value);
        CREATE TABLE artifacts (
            run_id TEXT NOT NULL REFERENCES runs(id),
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            PRIMARY KEY (run_id, path));
        CREATE TABLE registered_models (
            name TEXT PRIMARY KEY,
            created_at TEXT NOT NULL);
        CREATE TABLE model_versions (
            name TEXT NOT NULL REFERENCES registered_models(name),
            version INTEGER NOT NULL,
            source_run_id TEXT NOT NULL,
            model_sha256 TEXT NOT NULL,
            candidate TEXT NOT NULL,
            task TEXT NOT NULL,
            schema_json TEXT NOT NULL,
            data_sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (name, version));
        CREATE TABLE model_version_metrics (
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            key TEXT NOT NULL,
            value REAL,
            PRIMARY KEY (name, version, key),
            FOREIGN KEY (name, version) REFERENCES model_versions(name, version));
        CREATE TABLE aliases (
            name TEXT NOT NULL,
            alias TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (name, alias),
            FOREIGN KEY (name, version) REFERENCES model_versions(name, version));
        CREATE TABLE alias_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL REFERENCES registered_models(name),
            alias TEXT NOT NULL,
            from_version INTEGER,
            to_version INTEGER,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            reason TEXT);
        -- Versions and their audit trail are append-only: the database itself refuses edits.
        CREATE TRIGGER model_versions_immutable BEFORE UPDATE ON model_versions
            BEGIN SELECT RAISE(ABORT, 'model versions are immutable'); END;
        CREATE TRIGGER model_versions_undeletable BEFORE DELETE ON model_versions
            BEGIN SELECT RAISE(ABORT, 'model versions are immutable'); END;
        CREATE TRIGGER alias_events_append_only_u BEFORE UPDATE ON alias_events
            BEGIN SELECT RAISE(ABORT, 'alias events are append-only'); END;
        CREATE TRIGGER alias_events_append_only_d BEFORE DELETE ON alias_events
            BEGIN SELECT RAISE(ABORT, 'alias events are append-only'); END;
        """;
}
