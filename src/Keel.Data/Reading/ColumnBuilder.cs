using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data;

/// <summary>Turns raw string columns into typed columns: missing tokens, inference, and the user's type overrides.</summary>
/// <remarks>Rows are located in messages by a file line (text formats) or by a 0-based row index (Parquet).</remarks>
internal sealed class ColumnBuilder(string fileName, ReadOptions options)
{
    private readonly HashSet<string> _missing = new(options.MissingTokens, StringComparer.Ordinal);

    /// <summary>The file name used in messages.</summary>
    public string FileName { get; } = fileName;

    /// <summary>Physical 1-based line of each row, or null to name rows by 0-based index.</summary>
    public int[]? RowLines { get; set; }

    public string Where(int row) => RowLines is null ? $"{FileName} row {row} (0-based)" : $"{FileName} line {RowLines[row]}";

    public bool IsMissing(string? raw) => raw is null || _missing.Contains(raw);

    /// <summary>Fails when an override names a column the file does not have.</summary>
    public void CheckOverrides(IReadOnlyList<string> columnNames)
    {
        var names = new HashSet<string>(columnNames, StringComparer.Ordinal);
        foreach (var key in options.Types.Keys)
        {
            if (!names.Contains(key))
                throw new KeelInputException(
                    $"{FileName}: data.types names column '{key}', which is not in the file (columns: {string.Join(", ", columnNames)}).");
        }
    }

    /// <summary>A typed column from raw strings (null = missing); missing tokens are applied here.</summary>
    public Column FromRaw(string name, string?[] raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (IsMissing(raw[i])) raw[i] = null;
        }
        var type = options.Types.TryGetValue(name, out var forced) ? forced : SchemaInference.Infer(raw);
        return Convert(name, raw, type, options.Types.ContainsKey(name));
    }

    /// <summary>Applies an override to a column read with a native type (Parquet) by way of its display strings.</summary>
    public Column Retype(Column column)
    {
        if (!options.Types.TryGetValue(column.Name, out var type) || type == column.Type) return column;
        var raw = new string?[column.Length];
        for (var i = 0; i < raw.Length; i++) raw[i] = column.IsMissing(i) ? null : column.Format(i);
        return Convert(column.Name, raw, type, strict: true);
    }

    private Column Convert(string name, string?[] raw, ColumnType type, bool strict)
    {
        if (type is ColumnType.Categorical or ColumnType.Text) return new StringColumn(name, raw, type);
        var values = new double[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            var s = raw[i];
            if (s is null) { values[i] = double.NaN; continue; }
            var ok = type switch
            {
                ColumnType.Numeric => ValueParser.TryParseNumber(s, out values[i]),
                ColumnType.Boolean => strict ? ValueParser.TryParseBooleanOverride(s, out values[i]) : ValueParser.TryParseBoolean(s, out values[i]),
                _ => ValueParser.TryParseDateTime(s, out values[i]),
            };
            if (!ok)
                throw new KeelInputException($"{Where(i)}, column '{name}': expected {ValueParser.Expectation(type)}, got '{s}'.");
        }
        return new NumericColumn(name, values, type);
    }
}
