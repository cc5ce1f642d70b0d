namespace Keel.Data;

/// <summary>Checks of the text settings (<see cref="ReadOptions.Encoding"/>, <see cref="ReadOptions.Delimiter"/>) for callers that report problems at their own locations, such as a spec line.</summary>
public static class TextFormats
{
    /// <summary>Null when the readers know the encoding <paramref name="name"/>; else what was expected.</summary>
    public static string? EncodingProblem(string name) => TextEncodings.TryResolve(name, out _) ? null : TextEncodings.Expected;

    /// <summary>Null when the readers know the delimiter <paramref name="given"/>; else what was expected.</summary>
    public static string? DelimiterProblem(string given) => Delimiters.TryParse(given, out _) ? null : Delimiters.Expected;

    /// <summary>Null when <paramref name="given"/> is a decimal mark the readers know (point or comma); else what was expected.</summary>
    public static string? DecimalProblem(string given) => DecimalMarks.TryParse(given, out _) ? null : DecimalMarks.Expected;
}
