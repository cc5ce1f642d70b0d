namespace Keel.Tracking.Sqlite;

/// <summary>Schema version 4: the alert history (append-only; cooldown and de-duplication read it).</summary>
internal static class SchemaV4
{
    // Only a new table: a version-3 store upgrades in place with everything it holds untouched.
    public const string Sql = """
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scope TEXT NOT NULL,
            rule TEXT NOT NULL,
            value REAL,
            window_key TEXT NOT NULL,
            at TEXT NOT NULL,
            delivered TEXT NOT NULL);
        CREATE INDEX alerts_scope_rule ON alerts(scope, rule, id);
        CREATE TRIGGER alerts_append_only_update BEFORE UPDATE ON alerts BEGIN SELECT RAISE(ABORT, 'alert history is append-only'); END;
        CREATE TRIGGER alerts_append_only_delete BEFORE DELETE ON alerts BEGIN SELECT RAISE(ABORT, 'alert history is append-only'); END;
        """;
}
