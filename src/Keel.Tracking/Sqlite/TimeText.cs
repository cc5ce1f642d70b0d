using System.Globalization;

namespace Keel.Tracking.Sqlite;

/// <summary>Timestamps as ISO-8601 UTC text with 100 ns ticks, so they round-trip exactly and sort as text.</summary>
internal static class TimeText
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Write(DateTimeOffset t) => t.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset Read(string s) =>
        new(DateTime.ParseExact(s, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
}
