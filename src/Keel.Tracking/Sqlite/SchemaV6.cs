namespace Keel.Tracking.Sqlite;

/// <summary>Schema version 6: hyper-parameter search studies, their trials (claimed atomically, alive by heartbeat) and intermediate values.</summary>
internal static class SchemaV6
{
    // Only new tables: a version-5 store upgrades in place with everything it holds untouched.
    public const string Sql = """
        CREATE TABLE studies (
            name TEXT PRIMARY KEY,
            groups_json TEXT NOT NULL,
            planned_trials INTEGER,
            definition_json TEXT NOT NULL,
            stale_policy TEXT NOT NULL,
            max_attempts INTEGER NOT NULL,
            search_run_id TEXT,
            created_at TEXT NOT NULL);
        CREATE TABLE trials (
            study TEXT NOT NULL REFERENCES studies(name),
            number INTEGER NOT NULL,
            attempt INTEGER NOT NULL,
            state TEXT NOT NULL,
            grp TEXT NOT NULL,
            params_json TEXT NOT NULL,
            value REAL,
            worker TEXT,
            heartbeat_at TEXT,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            run_id TEXT,
            error TEXT,
            stale INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (study, number));
        CREATE INDEX trials_state ON trials(study, state);
        CREATE TABLE trial_values (
            study TEXT NOT NULL,
            number INTEGER NOT NULL,
            step INTEGER NOT NULL,
            value REAL,
            PRIMARY KEY (study, number, step),
            FOREIGN KEY (study, number) REFERENCES trials(study, number));
        """;
}
