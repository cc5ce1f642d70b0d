using Keel.Core.Data;

namespace Keel.Data;

/// <summary>How <see cref="TableReader"/> reads a file.</summary>
public sealed record ReadOptions
{
    /// <summary>"csv", "jsonl" or "parquet". Default null: by extension (.csv/.tsv, .jsonl/.ndjson/.json, .parquet); .tsv is tab-delimited.</summary>
    public string? Format { get; init; }

    /// <summary>Column type overrides (name → type); other columns are inferred. Default: none. A name not in the file is an error.</summary>
    public IReadOnlyDictionary<string, ColumnType> Types { get; init; } = new Dictionary<string, ColumnType>();

    /// <summary>
    /// Text encoding of CSV and JSON Lines files: utf-8, latin1, windows-1252 or another standard name. Default null: UTF-8,
    /// where a byte sequence that is not UTF-8 is an error naming its line and byte offset (a leading BOM is skipped).
    /// </summary>
    public string? Encoding { get; init; }

    /// <summary>
    /// Field delimiter of CSV files: comma, semicolon, tab, pipe (or the character). Default null: tab for .tsv files, else
    /// the one of , ; tab | seen most often outside quotes on the header line (comma when none is).
    /// </summary>
    public string? Delimiter { get; init; }

    /// <summary>
    /// The decimal mark of numbers written as text: "point" or "comma". Default null: comma for semicolon-delimited CSV
    /// (the spreadsheet export of locales that write 39,1), else point. Under comma a value such as "39,1" is the number 39.1
    /// and a value with a point ("39.1") still reads as a number; digit groups ("1.234,5") do not.
    /// </summary>
    public string? Decimal { get; init; }

    /// <summary>Whether every column is read as categorical strings, without inference or conversion (values are checked against a
    /// contract one by one, so a stray token is a violation with its row rather than a read error). Default false.</summary>
    public bool AsText { get; init; }

    /// <summary>Raw values read as missing (exact, case-sensitive match). Default: "", NA, N/A, null, NULL, NaN.</summary>
    public IReadOnlyList<string> MissingTokens { get; init; } = ["", "NA", "N/A", "null", "NULL", "NaN"];
}
