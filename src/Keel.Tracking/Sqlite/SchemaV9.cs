namespace Keel.Tracking.Sqlite;

/// <summary>Schema version 9: a complete trial's value per objective of a multi-objective study (JSON array), read by the sampler
/// that searches for the Pareto front.</summary>
internal static class SchemaV9
{
    // One nullable column: a version-8 store upgrades in place; its trials keep no vector (they ended before it was kept).
    public const string Sql = """
        ALTER TABLE trials ADD COLUMN values_json TEXT;
        """;
}
