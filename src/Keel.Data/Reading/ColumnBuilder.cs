using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data;

/// <summary>Turns raw values into typed columns: missing tokens, inference, interning and the user's type overrides.</summary>
/// <remarks>Rows are located in messages by a file line (text formats) or by a 0-based row index (Parquet).</remarks>
internal sealed class ColumnBuilder
{
    private readonly ReadOptions _options;
    private readonly HashSet<string> _missing;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _missingLookup;
    private readonly bool _byLine;

    /// <param name="fileName">The file name used in messages.</param>
    /// <param name="options">Missing tokens and type overrides.</param>
    /// <param name="byLine">True to name rows by their 1-based file line, false by their 0-based row index.</param>
    /// <param name="delimiter">The CSV field delimiter, which decides the decimal mark unless the options name one; null for other formats.</param>
    public ColumnBuilder(string fileName, ReadOptions options, bool byLine, char? delimiter = null)
    {
        FileName = fileName;
        _options = options;
        _byLine = byLine;
        DecimalComma = DecimalMarks.Comma(options.Decimal, delimiter ?? '\0');
        _missing = new HashSet<string>(options.MissingTokens, StringComparer.Ordinal);
        _missingLookup = _missing.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The file name used in messages.</summary>
    public string FileName { get; }

    /// <summary>Whether numbers may be written with a decimal comma (<see cref="ReadOptions.Decimal"/>).</summary>
    public bool DecimalComma { get; }

    /// <summary>A fresh inference of one column's type under this read's decimal mark.</summary>
    public ColumnInference Inference() => new(DecimalComma);

    /// <summary>"line 5" or "row 5 (0-based)".</summary>
    public string Location(long at) => _byLine ? $"line {at}" : $"row {at} (0-based)";

    /// <summary>"f.csv line 5" or "f.parquet row 5 (0-based)".</summary>
    public string Where(long at) => $"{FileName} {Location(at)}";

    public bool IsMissing(ReadOnlySpan<char> raw) => _missingLookup.Contains(raw);

    /// <summary>Fails when an override names a column the file does not have.</summary>
    public void CheckOverrides(IReadOnlyList<string> columnNames)
    {
        var names = new HashSet<string>(columnNames, StringComparer.Ordinal);
        foreach (var key in _options.Types.Keys)
        {
            if (!names.Contains(key))
                throw new KeelInputException(
                    $"{FileName}: data.types names column '{key}', which is not in the file; {ColumnNames.Hint(key, columnNames)}.");
        }
    }

    /// <summary>The type a column is read as without inference: every column categorical under ReadOptions.AsText, else its override.</summary>
    private bool Forced(string name, out ColumnType type)
    {
        if (_options.AsText)
        {
            type = ColumnType.Categorical;
            return true;
        }
        return _options.Types.TryGetValue(name, out type);
    }

    /// <summary>The storage for a column whose values were observed by <paramref name="inference"/>: the override's type, or the inferred one.</summary>
    public ColumnFill Fill(string name, ColumnInference inference, int rows)
    {
        if (Forced(name, out var forced)) return new ColumnFill(this, name, forced, null, rows);
        return new ColumnFill(this, name, inference.Decide(name, FileName, Location), inference, rows);
    }

    /// <summary>A typed column from raw strings (null = missing); missing tokens are applied and strings interned in place.</summary>
    public Column FromRaw(string name, string?[] raw)
    {
        var inference = Inference();
        var pool = new StringPool();
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] is not { } s) continue;
            if (IsMissing(s)) { raw[i] = null; continue; }
            raw[i] = pool.Get(s);
            inference.Observe(s, i);
        }
        return FromStrings(name, raw, inference, pool.Count);
    }

    /// <summary>
    /// A typed column from strings already cleared of missing tokens, interned and observed (row i at location i);
    /// the array becomes the column's storage when the column is a string column.
    /// </summary>
    public Column FromStrings(string name, string?[] values, ColumnInference inference, int distinct)
    {
        var forced = Forced(name, out var f);
        var type = forced ? f : inference.Decide(name, FileName, Location);
        if (type is ColumnType.Categorical or ColumnType.Text)
            return new StringColumn(name, values, forced ? type : inference.TextOrCategorical(distinct));
        var fill = new ColumnFill(this, name, type, forced ? null : inference, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } s) fill.Set(i, s, i);
        }
        return fill.Build();
    }

    /// <summary>Applies an override to a column read with a native type (Parquet) by way of its display strings.</summary>
    public Column Retype(Column column)
    {
        if (!Forced(column.Name, out var type) || type == column.Type) return column;
        var raw = new string?[column.Length];
        for (var i = 0; i < raw.Length; i++) raw[i] = column.IsMissing(i) ? null : column.Format(i);
        return FromRaw(column.Name, raw);
    }
}
