using System.Globalization;
using System.Text.RegularExpressions;

namespace Keel.Data;

/// <summary>The string-to-value conversions shared by inference, type overrides and label encoding.</summary>
internal static partial class ValueParser
{
    /// <summary>What a value of each type looks like, for error messages.</summary>
    public static string Expectation(Core.Data.ColumnType type) => type switch
    {
        Core.Data.ColumnType.Numeric => "a number",
        Core.Data.ColumnType.Boolean => "true or false",
        Core.Data.ColumnType.DateTime => "an ISO-8601 date (yyyy-MM-dd, optionally with a time and zone)",
        _ => "a string",
    };

    /// <summary>
    /// A double in invariant culture. Infinities count as numbers: inf, +inf, -inf, Infinity, -Infinity (any case) and
    /// values beyond the double range (1e400 is +infinity). NaN is not a number here; list it in the missing tokens instead.
    /// </summary>
    public static bool TryParseNumber(string s, out double value) => TryParseNumber(s.AsSpan(), out value);

    /// <inheritdoc cref="TryParseNumber(string, out double)"/>
    /// <param name="s">The raw value.</param>
    /// <param name="value">The number, or NaN.</param>
    /// <param name="decimalComma">Also read a decimal comma: a value with one comma and no point, such as "39,1" or "-0,5e3", is
    /// the number with a point in its place. A value that is a number with a point stays one, and digit groups ("1.234,5",
    /// "1,234,567") are not numbers.</param>
    public static bool TryParseNumber(ReadOnlySpan<char> s, out double value, bool decimalComma = false)
    {
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return !double.IsNaN(value);
        if (decimalComma && TryParseDecimalComma(s, out value)) return true;
        var t = s.Trim();
        var sign = 1.0;
        if (t.Length > 0 && (t[0] == '+' || t[0] == '-'))
        {
            sign = t[0] == '-' ? -1 : 1;
            t = t[1..];
        }
        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase))
        {
            value = sign * double.PositiveInfinity;
            return true;
        }
        value = double.NaN;
        return false;
    }

    /// <summary>Longest value read with a decimal comma; longer ones are not numbers of any sensible precision.</summary>
    private const int DecimalCommaMaxLength = 64;

    private static bool TryParseDecimalComma(ReadOnlySpan<char> s, out double value)
    {
        value = double.NaN;
        var comma = s.IndexOf(',');
        if (comma < 0 || s.Length > DecimalCommaMaxLength || s[(comma + 1)..].Contains(',') || s.Contains('.')) return false;
        Span<char> copy = stackalloc char[s.Length];
        s.CopyTo(copy);
        copy[comma] = '.';
        return double.TryParse(copy, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
    }

    public static bool TryParseBoolean(string s, out double value) => TryParseBoolean(s.AsSpan(), out value);

    public static bool TryParseBoolean(ReadOnlySpan<char> s, out double value)
    {
        if (s.Equals("true", StringComparison.OrdinalIgnoreCase)) { value = 1; return true; }
        if (s.Equals("false", StringComparison.OrdinalIgnoreCase)) { value = 0; return true; }
        value = double.NaN;
        return false;
    }

    /// <summary>Booleans given by an override also accept 1/0, the usual encoding in exported data.</summary>
    public static bool TryParseBooleanOverride(ReadOnlySpan<char> s, out double value)
    {
        if (TryParseBoolean(s, out value)) return true;
        var t = s.Trim();
        if (t.SequenceEqual("1")) { value = 1; return true; }
        if (t.SequenceEqual("0")) { value = 0; return true; }
        return false;
    }

    /// <summary>An ISO-8601 date or date-time (zone optional, UTC assumed) as Unix seconds.</summary>
    public static bool TryParseDateTime(string s, out double unixSeconds) => TryParseDateTime(s.AsSpan(), out unixSeconds);

    /// <inheritdoc cref="TryParseDateTime(string, out double)"/>
    public static bool TryParseDateTime(ReadOnlySpan<char> s, out double unixSeconds)
    {
        unixSeconds = double.NaN;
        // The shape check keeps inference from accepting the many loose forms DateTimeOffset.TryParse allows.
        if (!IsoShape().IsMatch(s)) return false;
        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dto)) return false;
        unixSeconds = ToUnixSeconds(dto);
        return true;
    }

    public static double ToUnixSeconds(DateTimeOffset dto) => (dto.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(Z|[+-]\d{2}:?\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoShape();
}
