using Keel.Core.Data;

namespace Keel.Data;

/// <summary>How <see cref="TableReader"/> reads a file.</summary>
public sealed record ReadOptions
{
    /// <summary>"csv", "jsonl" or "parquet". Default null: by extension (.csv/.tsv, .jsonl/.ndjson/.json, .parquet); .tsv is tab-delimited.</summary>
    public string? Format { get; init; }

    /// <summary>Column type overrides (name → type); other columns are inferred. Default: none. A name not in the file is an error.</summary>
    public IReadOnlyDictionary<string, ColumnType> Types { get; init; } = new Dictionary<string, ColumnType>();

    /// <summary>Raw values read as missing (exact, case-sensitive match). Default: "", NA, N/A, null, NULL, NaN.</summary>
    public IReadOnlyList<string> MissingTokens { get; init; } = ["", "NA", "N/A", "null", "NULL", "NaN"];
}
