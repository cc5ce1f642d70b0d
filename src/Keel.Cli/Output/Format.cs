using System.Globalization;

namespace Keel.Cli.Output;

/// <summary>Invariant, compact formatting of numbers, sizes and times for console tables.</summary>
internal static class Format
{
    public static string Metric(double? v) =>
        v is null || !double.IsFinite(v.Value) ? "—" : v.Value.ToString("0.0000", CultureInfo.InvariantCulture);

    public static string Number(double v, string format = "0.###") => v.ToString(format, CultureInfo.InvariantCulture);

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => Number(bytes / 1024.0, "0.#") + " KB",
        _ => Number(bytes / (1024.0 * 1024), "0.##") + " MB",
    };

    public static string Time(DateTimeOffset? t) =>
        t is null ? "—" : t.Value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string ShortId(string id) => id.Length > 8 ? id[..8] : id;
}
