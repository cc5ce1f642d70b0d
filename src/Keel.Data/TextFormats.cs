namespace Keel.Data;

/// <summary>Checks of the text settings (<see cref="ReadOptions.Encoding"/>, <see cref="ReadOptions.Delimiter"/>) for callers that report problems at their own locations, such as a spec line.</summary>
public static class TextFormats
{
    /// <summary>Reads an ISO-8601 date or date-time as the table readers read one (UTC unless a zone is given), as Unix seconds.</summary>
    public static bool TryParseDateTime(string text, out double unixSeconds) => ValueParser.TryParseDateTime(text, out unixSeconds);

    /// <summary>Null when the readers know the encoding <paramref name="name"/>; else what was expected.</summary>
    public static string? EncodingProblem(string name) => TextEncodings.TryResolve(name, out _) ? null : TextEncodings.Expected;

    /// <summary>Null when the readers know the delimiter <paramref name="given"/>; else what was expected.</summary>
    public static string? DelimiterProblem(string given) => Delimiters.TryParse(given, out _) ? null : Delimiters.Expected;

    /// <summary>The delimiter the file readers would choose for a header line: the one of , ; tab | seen most often outside
    /// quotes, comma when none is (so a body in text form is read as a file is).</summary>
    public static char DetectDelimiter(ReadOnlySpan<char> header) => Delimiters.Detect(header);

    /// <summary>Whether numbers in text delimited by <paramref name="delimiter"/> may have a decimal comma when no mark is named:
    /// for a semicolon, as the file readers decide it.</summary>
    public static bool DecimalCommaFor(char delimiter) => DecimalMarks.Comma(null, delimiter);

    /// <summary>Null when <paramref name="given"/> is a decimal mark the readers know (point or comma); else what was expected.</summary>
    public static string? DecimalProblem(string given) => DecimalMarks.TryParse(given, out _) ? null : DecimalMarks.Expected;

    /// <summary>A field of a delimited text file: as it is, or quoted (inner quotes doubled) when it holds the delimiter, a quote
    /// or a line end (RFC 4180).</summary>
    public static string QuoteField(ReadOnlySpan<char> value, char delimiter) =>
        value.IndexOfAny([delimiter, '"', '\n', '\r']) < 0 ? value.ToString() : "\"" + value.ToString().Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
