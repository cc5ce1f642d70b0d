namespace Keel.Tracking.Sqlite;

/// <summary>Schema version 7: token roles and scopes for the tracking server, and its append-only audit log of writes.</summary>
internal static class SchemaV7
{
    // Tokens made before roles existed guarded the serving admin endpoints, so they keep full rights ('admin', no scope).
    // Scopes are JSON arrays of names ('[]' = not limited).
    public const string Sql = """
        ALTER TABLE api_tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'admin';
        ALTER TABLE api_tokens ADD COLUMN scope_experiments TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE api_tokens ADD COLUMN scope_models TEXT NOT NULL DEFAULT '[]';
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            status INTEGER NOT NULL);
        CREATE TRIGGER audit_log_append_only_u BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_append_only_d BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """;
}
