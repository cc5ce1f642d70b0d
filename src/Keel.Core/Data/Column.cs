namespace Keel.Core.Data;

/// <summary>One named, typed, immutable column of a <see cref="Table"/>.</summary>
/// <remarks>Numeric, DateTime and Boolean columns are <see cref="NumericColumn"/>; Categorical and Text are <see cref="StringColumn"/>.</remarks>
public abstract class Column
{
    private protected Column(string name, ColumnType type)
    {
        Name = name;
        Type = type;
    }

    /// <summary>The column's name as in the source file.</summary>
    public string Name { get; }

    /// <summary>The logical type.</summary>
    public ColumnType Type { get; }

    /// <summary>Number of rows.</summary>
    public abstract int Length { get; }

    /// <summary>Whether row <paramref name="row"/> is missing.</summary>
    public abstract bool IsMissing(int row);

    /// <summary>A new column holding the given rows, in the given order.</summary>
    public abstract Column Take(IReadOnlyList<int> rows);

    /// <summary>The value of a row as a display string (invariant culture); empty when missing.</summary>
    public abstract string Format(int row);

    /// <summary>Number of missing rows.</summary>
    public int MissingCount()
    {
        var n = 0;
        for (var i = 0; i < Length; i++)
        {
            if (IsMissing(i)) n++;
        }
        return n;
    }
}

/// <summary>A column of doubles (Numeric, DateTime as Unix seconds, Boolean as 0/1); NaN marks a missing value.</summary>
public sealed class NumericColumn : Column
{
    private readonly double[] _values;

    /// <summary>Wraps <paramref name="values"/>; the caller must not change the array afterwards.</summary>
    public NumericColumn(string name, double[] values, ColumnType type = ColumnType.Numeric) : base(name, type)
    {
        if (type is ColumnType.Categorical or ColumnType.Text)
            throw new ArgumentException($"A numeric column cannot have type {type}.", nameof(type));
        _values = values;
    }

    /// <summary>The values; NaN is missing.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The value at a row (NaN when missing).</summary>
    public double this[int row] => _values[row];

    public override int Length => _values.Length;

    public override bool IsMissing(int row) => double.IsNaN(_values[row]);

    public override Column Take(IReadOnlyList<int> rows)
    {
        var v = new double[rows.Count];
        for (var i = 0; i < v.Length; i++) v[i] = _values[rows[i]];
        return new NumericColumn(Name, v, Type);
    }

    /// <summary>A date-time (Unix seconds) as a date-time column's values are written: ISO 8601 in UTC to the second,
    /// <c>2001-03-09T17:55:00Z</c>.</summary>
    public static string FormatTime(double unixSeconds) =>
        DateTimeOffset.UnixEpoch.AddSeconds(unixSeconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public override string Format(int row)
    {
        var v = _values[row];
        if (double.IsNaN(v)) return "";
        return Type switch
        {
            ColumnType.Boolean => v != 0 ? "true" : "false",
            ColumnType.DateTime => FormatTime(v),
            _ => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}

/// <summary>A column of strings (Categorical or Text); null marks a missing value.</summary>
public sealed class StringColumn : Column
{
    private readonly string?[] _values;

    /// <summary>Wraps <paramref name="values"/>; the caller must not change the array afterwards.</summary>
    public StringColumn(string name, string?[] values, ColumnType type = ColumnType.Categorical) : base(name, type)
    {
        if (type is not (ColumnType.Categorical or ColumnType.Text))
            throw new ArgumentException($"A string column cannot have type {type}.", nameof(type));
        _values = values;
    }

    /// <summary>The values; null is missing.</summary>
    public ReadOnlySpan<string?> Values => _values;

    /// <summary>The value at a row (null when missing).</summary>
    public string? this[int row] => _values[row];

    public override int Length => _values.Length;

    public override bool IsMissing(int row) => _values[row] is null;

    public override Column Take(IReadOnlyList<int> rows)
    {
        var v = new string?[rows.Count];
        for (var i = 0; i < v.Length; i++) v[i] = _values[rows[i]];
        return new StringColumn(Name, v, Type);
    }

    public override string Format(int row) => _values[row] ?? "";
}
