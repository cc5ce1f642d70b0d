using Keel.Core.Data;

namespace Keel.Data;

/// <summary>A table read from a file, with what identifies that file: its path, format, SHA-256 (lower-case hex) and size in bytes.</summary>
public sealed record LoadedTable(Table Table, string Path, string Format, string Sha256, long Bytes)
{
    /// <summary>Whether the file's numbers were read with a decimal comma (<see cref="ReadOptions.Decimal"/>), so text values of it
    /// (a contract check of a read as text) are read the same way.</summary>
    public bool DecimalComma { get; init; }
}
