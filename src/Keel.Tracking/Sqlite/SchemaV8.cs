namespace Keel.Tracking.Sqlite;

/// <summary>Schema version 8: the idempotency keys of stored metric batches, so a batch resent after a lost answer is stored once.</summary>
internal static class SchemaV8
{
    public const string Sql = """
        CREATE TABLE applied_batches (
            run_id TEXT NOT NULL REFERENCES runs(id),
            batch_key TEXT NOT NULL,
            PRIMARY KEY (run_id, batch_key));
        """;
}
