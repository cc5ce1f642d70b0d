using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data;

/// <summary>The storage of one column of a known type and row count, filled value by value (the second pass of a read).</summary>
/// <remarks>Rows never set stay missing. String values are interned, so a repeated category is stored once.</remarks>
internal sealed class ColumnFill
{
    private readonly ColumnBuilder _builder;
    private readonly string _name;
    private readonly ColumnType _type;
    private readonly ColumnInference? _inference;
    private readonly double[]? _numbers;
    private readonly string?[]? _strings;
    private readonly StringPool? _pool;

    /// <param name="builder">Missing tokens and message locations.</param>
    /// <param name="name">The column name.</param>
    /// <param name="type">The column type.</param>
    /// <param name="inference">What the first pass saw, or null when the type was set by an override (which parses strictly).</param>
    /// <param name="rows">The number of rows.</param>
    public ColumnFill(ColumnBuilder builder, string name, ColumnType type, ColumnInference? inference, int rows)
    {
        _builder = builder;
        _name = name;
        _type = type;
        _inference = inference;
        if (type is ColumnType.Categorical or ColumnType.Text)
        {
            _strings = new string?[rows];
            _pool = new StringPool();
        }
        else
        {
            _numbers = new double[rows];
            Array.Fill(_numbers, double.NaN);
        }
    }

    /// <summary>Sets row <paramref name="row"/> from its raw text, found at <paramref name="location"/>; missing tokens stay missing.</summary>
    public void Set(int row, ReadOnlySpan<char> raw, long location)
    {
        if (_builder.IsMissing(raw)) return;
        if (_strings is not null)
        {
            _strings[row] = _pool!.Get(raw);
            return;
        }
        var ok = _type switch
        {
            ColumnType.Numeric => ValueParser.TryParseNumber(raw, out _numbers![row], _builder.DecimalComma),
            ColumnType.Boolean => _inference is null
                ? ValueParser.TryParseBooleanOverride(raw, out _numbers![row])
                : ValueParser.TryParseBoolean(raw, out _numbers![row]),
            _ => ValueParser.TryParseDateTime(raw, out _numbers![row]),
        };
        if (!ok)
            throw new KeelInputException(
                $"{_builder.Where(location)}, column '{_name}': expected {ValueParser.Expectation(_type)}, got '{raw}'.");
    }

    /// <summary>The finished column.</summary>
    public Column Build()
    {
        if (_numbers is not null) return new NumericColumn(_name, _numbers, _type);
        var type = _inference is null ? _type : _inference.TextOrCategorical(_pool!.Count);
        return new StringColumn(_name, _strings!, type);
    }
}
