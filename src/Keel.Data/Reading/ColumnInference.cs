using System.Globalization;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data;

/// <summary>Infers one column's type from its present (non-missing) raw values as they stream past, holding counts only.</summary>
/// <remarks>
/// Numeric if every value is a number, else Boolean (true/false), else DateTime (ISO-8601), else Text or Categorical.
/// Text needs the number of distinct values, which the caller knows only after interning, so it is decided last.
/// </remarks>
internal sealed class ColumnInference
{
    /// <summary>
    /// A column where at least this share of the present values are numbers, but not all, is reported rather than read as
    /// categorical: a stray token ('abc', 'n/a', '#VALUE!') in a numeric column is far likelier than a category set that is
    /// 99% numbers. Below the threshold the column is categorical, as codes such as "1", "2", "3+" are.
    /// </summary>
    public const double NearlyNumericShare = 0.99;

    /// <summary>Mean whitespace-separated tokens per value at or above which strings are free text.</summary>
    private const double TextMinMeanTokens = 4;

    /// <summary>Mean length above which mostly-unique strings are free text.</summary>
    private const double TextMinMeanLength = 20;

    /// <summary>How many non-numbers an error message quotes.</summary>
    private const int ExamplesShown = 3;

    private readonly bool _decimalComma;
    private bool _boolean = true, _dateTime = true;
    private long _numbers, _tokens, _length;
    private readonly List<(string Value, long Location)> _notNumbers = [];
    private long _notNumberCount;

    /// <param name="decimalComma">Whether a number may be written with a decimal comma ("39,1").</param>
    public ColumnInference(bool decimalComma = false) => _decimalComma = decimalComma;

    /// <summary>Number of present values seen.</summary>
    public long Present { get; private set; }

    /// <summary>Observes one present value found at <paramref name="location"/> (a line or a row, as the reader names rows).</summary>
    public void Observe(ReadOnlySpan<char> value, long location)
    {
        Present++;
        _length += value.Length;
        _tokens += CountTokens(value);
        if (ValueParser.TryParseNumber(value, out _, _decimalComma)) _numbers++;
        else
        {
            _notNumberCount++;
            if (_notNumbers.Count < ExamplesShown) _notNumbers.Add((value.ToString(), location));
        }
        if (_boolean && !ValueParser.TryParseBoolean(value, out _)) _boolean = false;
        if (_dateTime && !ValueParser.TryParseDateTime(value, out _)) _dateTime = false;
    }

    /// <summary>The type before the Text/Categorical choice: Numeric, Boolean, DateTime, or Categorical for any string column.</summary>
    /// <param name="column">The column name, for the message.</param>
    /// <param name="fileName">The file name, for the message.</param>
    /// <param name="where">Formats a location as the reader names it ("line 5", "row 5 (0-based)").</param>
    /// <exception cref="KeelInputException">The column is nearly numeric (see <see cref="NearlyNumericShare"/>).</exception>
    public ColumnType Decide(string column, string fileName, Func<long, string> where)
    {
        if (Present == 0) return ColumnType.Categorical;
        if (_notNumberCount == 0) return ColumnType.Numeric;
        if (_numbers >= NearlyNumericShare * Present)
        {
            var inv = CultureInfo.InvariantCulture;
            var examples = string.Join(", ", _notNumbers.Select(e => $"'{e.Value}' ({where(e.Location)})"));
            var more = _notNumberCount > _notNumbers.Count ? ", ..." : "";
            throw new KeelInputException(
                $"{fileName}, column '{column}': {_numbers.ToString("N0", inv)} of {Present.ToString("N0", inv)} values are numbers but "
                + $"{_notNumberCount.ToString("N0", inv)} {(_notNumberCount == 1 ? "is" : "are")} not: {examples}{more}; "
                + $"set data.types.{column} to categorical, or list the tokens that mean 'missing' in data.missing.");
        }
        if (_boolean) return ColumnType.Boolean;
        if (_dateTime) return ColumnType.DateTime;
        return ColumnType.Categorical;
    }

    /// <summary>Text or Categorical for a string column, given how many distinct values it has.</summary>
    public ColumnType TextOrCategorical(long distinct)
    {
        if (Present == 0) return ColumnType.Categorical;
        var meanTokens = (double)_tokens / Present;
        var meanLength = (double)_length / Present;
        var distinctShare = (double)distinct / Present;
        return meanTokens >= TextMinMeanTokens || (distinctShare > 0.5 && meanLength > TextMinMeanLength)
            ? ColumnType.Text
            : ColumnType.Categorical;
    }

    private static int CountTokens(ReadOnlySpan<char> s)
    {
        var count = 0;
        var inToken = false;
        foreach (var c in s)
        {
            var space = char.IsWhiteSpace(c);
            if (!space && !inToken) count++;
            inToken = !space;
        }
        return count;
    }
}
