namespace Keel.Tracking.Sqlite;

/// <summary>Schema version 2: a heartbeat per run, so liveness is judged by a lease instead of a host name and a process id.</summary>
internal static class SchemaV2
{
    // Existing running runs keep a NULL heartbeat: their start time stands in for it, so a run left by an older Keel expires too.
    public const string Sql = """
        ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
        """;
}
