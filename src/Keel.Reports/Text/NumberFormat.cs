using System.Globalization;

namespace Keel.Reports;

/// <summary>Invariant-culture number formatting for tables and chart labels; non-finite values show as "—".</summary>
internal static class NumberFormat
{
    /// <summary>Shown for missing, NaN and infinite values.</summary>
    public const string Missing = "—";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A metric with four significant digits, never fewer decimals than needed to show the integer part.</summary>
    public static string Metric(double? value)
    {
        if (value is not { } v || !double.IsFinite(v)) return Missing;
        if (v == 0) return "0";
        var abs = Math.Abs(v);
        if (abs < 1e-3 || abs >= 1e9) return v.ToString("0.###E+0", Inv);
        var integerDigits = abs >= 1 ? (int)Math.Floor(Math.Log10(abs)) + 1 : 0;
        var decimals = Math.Max(0, 4 - integerDigits);
        return v.ToString("F" + decimals, Inv);
    }

    /// <summary>A count or value that is an integer shows without decimals; otherwise as a metric.</summary>
    public static string Value(double value) =>
        double.IsFinite(value) && value == Math.Round(value) && Math.Abs(value) < 1e15
            ? value.ToString("0", Inv)
            : Metric(value);

    /// <summary>An integer count with thousands separators, e.g. 12,345.</summary>
    public static string Count(long value) => value.ToString("N0", Inv);

    /// <summary>A fixed number of decimals, e.g. seconds or microseconds.</summary>
    public static string Fixed(double value, int decimals) =>
        double.IsFinite(value) ? value.ToString("F" + decimals, Inv) : Missing;

    /// <summary>A percentage with one decimal, e.g. 12.5%.</summary>
    public static string Percent(double fraction) =>
        double.IsFinite(fraction) ? (fraction * 100).ToString("0.0", Inv) + "%" : Missing;

    /// <summary>A byte size in B, KB or MB (1024-based).</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 0 => Missing,
        < 1024 => bytes.ToString(Inv) + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", Inv) + " KB",
        _ => (bytes / (1024.0 * 1024.0)).ToString("0.00", Inv) + " MB",
    };

    /// <summary>An axis tick: rounded to the tick step, with k/M suffixes for large magnitudes.</summary>
    public static string Tick(double value, double step)
    {
        var abs = Math.Max(Math.Abs(value), step);
        // "0k" reads oddly next to "100k"; a bare zero does not.
        if (value == 0 && step >= 100) return "0";
        if (abs >= 1e9) return value.ToString("0.##E+0", Inv);
        if (abs >= 1e6 && step >= 1e4) return (value / 1e6).ToString("0.##", Inv) + "M";
        if (abs >= 1e4 && step >= 100) return (value / 1e3).ToString("0.##", Inv) + "k";
        var decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(step) - 1e-9), 0, 12);
        // A 2.5 or 0.25 step needs one more decimal than its magnitude suggests.
        if (Math.Abs(Math.Round(step * Math.Pow(10, decimals)) - step * Math.Pow(10, decimals)) > 1e-6) decimals++;
        return value.ToString("F" + decimals, Inv);
    }

    /// <summary>A date-time given as Unix seconds, in UTC: <c>2001-03-05</c> when <paramref name="dateOnly"/>, else
    /// <c>2001-03-05 14:20</c>.</summary>
    public static string Time(double? seconds, bool dateOnly = false) =>
        seconds is { } s && double.IsFinite(s)
            ? DateTimeOffset.UnixEpoch.AddSeconds(Math.Round(s)).ToString(dateOnly ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", Inv)
            : Missing;

    /// <summary>A span of seconds in days, or hours or minutes when shorter, e.g. 36.5 days.</summary>
    public static string Span(double? seconds) => seconds is not { } s || !double.IsFinite(s) ? Missing
        : s >= 86_400 ? (s / 86_400).ToString("0.#", Inv) + " days"
        : s >= 3_600 ? (s / 3_600).ToString("0.#", Inv) + " hours"
        : (s / 60).ToString("0.#", Inv) + " minutes";

    /// <summary>An SVG coordinate with one decimal.</summary>
    public static string Coord(double value) => Math.Round(value, 1).ToString("0.#", Inv);
}
