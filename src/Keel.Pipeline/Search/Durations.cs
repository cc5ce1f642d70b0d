using System.Globalization;

namespace Keel.Pipeline.Search;

/// <summary>Durations as people write them in specs and on the command line.</summary>
public static class Durations
{
    /// <summary>"90s", "10m", "2h" or a plain number of seconds; null when it is none of these or not positive.</summary>
    public static TimeSpan? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        var (number, unit) = t.Length > 0 && char.IsLetter(t[^1]) ? (t[..^1], t[^1]) : (t, 's');
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || v <= 0) return null;
        return unit switch
        {
            's' => TimeSpan.FromSeconds(v),
            'm' => TimeSpan.FromMinutes(v),
            'h' => TimeSpan.FromHours(v),
            _ => null,
        };
    }
}
