using Keel.Core;

namespace Keel.Data;

/// <summary>Which decimal mark a text file's numbers use (<see cref="ReadOptions.Decimal"/>).</summary>
internal static class DecimalMarks
{
    /// <summary>What data.decimal may be, for messages.</summary>
    public const string Expected = "expected point or comma (or the character itself: . ,)";

    /// <summary>The mark <paramref name="given"/> names: true for a comma, false for a point.</summary>
    public static bool TryParse(string given, out bool comma)
    {
        (var known, comma) = given.Trim() switch
        {
            "comma" or "," => (true, true),
            "point" or "." => (true, false),
            _ => (false, false),
        };
        return known;
    }

    /// <summary>Whether numbers may have a decimal comma: as <paramref name="given"/> says, else for a semicolon delimiter.</summary>
    /// <exception cref="KeelInputException">The mark given is neither point nor comma.</exception>
    public static bool Comma(string? given, char delimiter)
    {
        if (given is null) return delimiter == ';';
        return TryParse(given, out var comma) ? comma : throw new KeelInputException($"data.decimal: {Expected}, got '{given}'.");
    }
}
