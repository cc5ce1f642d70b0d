namespace Keel.Tracking.Sqlite;

/// <summary>Schema version 11: an index of child runs by their parent (the keel.parent_run_id tag a search's trials carry), so the
/// runs page counts a page's children and leaves them out of its list without reading every tag.</summary>
internal static class SchemaV11
{
    // Partial: only that tag's values (run ids) are indexed, so long tag values elsewhere (errors, paths) stay unindexed.
    public const string Sql = """
        CREATE INDEX tags_parent ON tags(value) WHERE key = 'keel.parent_run_id';
        """;
}
