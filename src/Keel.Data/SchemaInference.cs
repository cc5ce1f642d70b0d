using Keel.Core.Data;

namespace Keel.Data;

/// <summary>Infers a column's logical type from its raw string values.</summary>
public static class SchemaInference
{
    /// <summary>Mean whitespace-separated tokens per value at or above which strings are free text.</summary>
    private const double TextMinMeanTokens = 4;

    /// <summary>Mean length above which mostly-unique strings are free text.</summary>
    private const double TextMinMeanLength = 20;

    /// <summary>
    /// The type of a column whose raw values are given; null entries are missing (readers map missing tokens to null first).
    /// Numeric if every value is a number, else Boolean (true/false), else DateTime (ISO-8601), else Text for free text, else Categorical.
    /// An all-missing column is Categorical.
    /// </summary>
    public static ColumnType Infer(IReadOnlyList<string?> rawValues)
    {
        ArgumentNullException.ThrowIfNull(rawValues);
        bool numeric = true, boolean = true, dateTime = true;
        var present = 0;
        foreach (var v in rawValues)
        {
            if (v is null) continue;
            present++;
            if (numeric && !ValueParser.TryParseNumber(v, out _)) numeric = false;
            if (boolean && !ValueParser.TryParseBoolean(v, out _)) boolean = false;
            if (dateTime && !ValueParser.TryParseDateTime(v, out _)) dateTime = false;
            if (!numeric && !boolean && !dateTime) break;
        }
        if (present == 0) return ColumnType.Categorical;
        if (numeric) return ColumnType.Numeric;
        if (boolean) return ColumnType.Boolean;
        if (dateTime) return ColumnType.DateTime;
        return LooksLikeText(rawValues) ? ColumnType.Text : ColumnType.Categorical;
    }

    private static bool LooksLikeText(IReadOnlyList<string?> values)
    {
        long tokens = 0, length = 0;
        var present = 0;
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            if (v is null) continue;
            present++;
            length += v.Length;
            tokens += CountTokens(v);
            distinct.Add(v);
        }
        var meanTokens = (double)tokens / present;
        var meanLength = (double)length / present;
        var distinctShare = (double)distinct.Count / present;
        return meanTokens >= TextMinMeanTokens || (distinctShare > 0.5 && meanLength > TextMinMeanLength);
    }

    private static int CountTokens(string s)
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
