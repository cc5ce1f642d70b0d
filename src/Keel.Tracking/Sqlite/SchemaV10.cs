namespace Keel.Tracking.Sqlite;

/// <summary>Schema version 10: a review item's row in its request and the request's row count, so a reviewer's label becomes that
/// row's outcome in the prediction log's feedback (one outcome per row).</summary>
internal static class SchemaV10
{
    // Nullable columns: a version-9 store upgrades in place; its queued items keep no row (their labels reach the store's feedback only).
    public const string Sql = """
        ALTER TABLE review_items ADD COLUMN request_row INTEGER;
        ALTER TABLE review_items ADD COLUMN request_rows INTEGER;
        """;
}
