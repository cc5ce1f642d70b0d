namespace Keel.Tracking.Sqlite;

/// <summary>Schema version 3: deployments with their file versions and append-only state history, the review queue, feedback and hashed API tokens.</summary>
internal static class SchemaV3
{
    // Only new tables: a version-2 store upgrades in place with everything it holds untouched.
    public const string Sql = """
        CREATE TABLE deployments (
            name TEXT PRIMARY KEY,
            champion TEXT NOT NULL,
            challenger TEXT,
            strategy TEXT NOT NULL,
            spec_version INTEGER NOT NULL,
            phase TEXT NOT NULL,
            mode TEXT NOT NULL,
            challenger_percent REAL NOT NULL,
            step INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        CREATE TABLE deployment_specs (
            name TEXT NOT NULL REFERENCES deployments(name),
            version INTEGER NOT NULL,
            spec_text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (name, version));
        CREATE TABLE deployment_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL REFERENCES deployments(name),
            kind TEXT NOT NULL,
            from_phase TEXT, from_mode TEXT, from_percent REAL, from_step INTEGER,
            to_phase TEXT NOT NULL, to_mode TEXT NOT NULL, to_percent REAL NOT NULL, to_step INTEGER NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            reason TEXT);
        CREATE INDEX deployment_events_name ON deployment_events(name, seq);
        CREATE TABLE review_items (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            deployment TEXT NOT NULL REFERENCES deployments(name),
            request_id TEXT NOT NULL,
            input_json TEXT NOT NULL,
            output_json TEXT NOT NULL,
            confidence REAL,
            queued_at TEXT NOT NULL,
            label TEXT,
            labelled_by TEXT,
            labelled_at TEXT);
        CREATE INDEX review_items_pending ON review_items(deployment, labelled_at, id);
        CREATE TABLE feedback (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            request_id TEXT NOT NULL,
            outcome TEXT NOT NULL,
            at TEXT NOT NULL,
            source TEXT NOT NULL,
            actor TEXT NOT NULL);
        CREATE INDEX feedback_request ON feedback(request_id, seq);
        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            salt TEXT NOT NULL,
            hash TEXT NOT NULL,
            iterations INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            revoked_at TEXT);
        -- The history, the file versions and feedback are append-only: the database itself refuses edits.
        CREATE TRIGGER deployment_events_append_only_u BEFORE UPDATE ON deployment_events
            BEGIN SELECT RAISE(ABORT, 'deployment events are append-only'); END;
        CREATE TRIGGER deployment_events_append_only_d BEFORE DELETE ON deployment_events
            BEGIN SELECT RAISE(ABORT, 'deployment events are append-only'); END;
        CREATE TRIGGER deployment_specs_immutable_u BEFORE UPDATE ON deployment_specs
            BEGIN SELECT RAISE(ABORT, 'deployment file versions are immutable'); END;
        CREATE TRIGGER deployment_specs_immutable_d BEFORE DELETE ON deployment_specs
            BEGIN SELECT RAISE(ABORT, 'deployment file versions are immutable'); END;
        CREATE TRIGGER feedback_append_only_u BEFORE UPDATE ON feedback
            BEGIN SELECT RAISE(ABORT, 'feedback is append-only'); END;
        CREATE TRIGGER feedback_append_only_d BEFORE DELETE ON feedback
            BEGIN SELECT RAISE(ABORT, 'feedback is append-only'); END;
        """;
}
