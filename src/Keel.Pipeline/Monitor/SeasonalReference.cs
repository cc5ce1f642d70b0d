using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Data;
using Keel.Monitoring;
using Keel.Monitoring.Reference;

namespace Keel.Pipeline.Monitor;

/// <summary>A reference file, profiled whole, for a chosen period, or per window for the same weekdays (so a normal weekend
/// is compared with earlier weekends, not with weekdays).</summary>
internal sealed class SeasonalReference
{
    private readonly Table _table;
    private readonly double[]? _seconds;
    private readonly ReferenceOptions _options;
    private readonly bool _sameWeekday;
    private readonly string _name;
    private readonly Dictionary<int, ReferenceProfile> _byWeekdays = [];
    private ReferenceProfile? _whole;

    private SeasonalReference(Table table, double[]? seconds, ReferenceOptions options, bool sameWeekday, string name, string description)
    {
        (_table, _seconds, _options, _sameWeekday, _name, Description) = (table, seconds, options, sameWeekday, name, description);
    }

    public string Description { get; }

    public static SeasonalReference Read(string path, string? timeColumn, string? period, ReferenceOptions options, ReadOptions reading)
    {
        if (!File.Exists(path)) throw new KeelInputException($"--reference '{path}': the file does not exist.");
        var table = TableReader.Read(path, reading).Table;
        var name = Path.GetFileName(path);
        if (period is null) return new SeasonalReference(table, null, options, false, name, $"{name} ({table.RowCount:N0} rows)");
        if (timeColumn is null) throw new KeelInputException("--reference-period needs --time-column, the date-time column of both files.");
        double[] seconds;
        try
        {
            seconds = Windowing.TimeSeconds(table, timeColumn);
        }
        catch (KeelInputException e)
        {
            throw new KeelInputException($"--reference '{name}': {e.Message}", e);
        }
        if (period == "same-weekday")
            return new SeasonalReference(table, seconds, options, true, name, $"{name}, rows of the same weekdays as each window");
        var (from, to) = ParsePeriod(period);
        var rows = Enumerable.Range(0, table.RowCount).Where(i => seconds[i] >= from.ToUnixTimeSeconds() && seconds[i] < to.ToUnixTimeSeconds()).ToArray();
        if (rows.Length == 0) throw new KeelInputException($"--reference-period '{period}': '{name}' has no rows in that period.");
        return new SeasonalReference(table.Take(rows), null, options, false, name, $"{name}, {period} ({rows.Length:N0} rows)");
    }

    /// <summary>Parses FROM..TO (dates, TO included).</summary>
    private static (DateTimeOffset, DateTimeOffset) ParsePeriod(string period)
    {
        var parts = period.Split("..");
        if (parts.Length == 2
            && DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var from)
            && DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var to))
            return (from, to.TimeOfDay == TimeSpan.Zero ? to.AddDays(1) : to);
        throw new KeelInputException($"--reference-period '{period}': expected same-weekday or FROM..TO dates, e.g. 2001-01-01..2001-01-31.");
    }

    /// <summary>The profile to compare window <paramref name="w"/> of <paramref name="current"/> with.</summary>
    public ReferenceProfile For(Table current, DataWindow w, string? timeColumn)
    {
        if (!_sameWeekday) return _whole ??= ReferenceBuilder.Build(_table.Columns, [], Description, _options);
        var cur = Windowing.TimeSeconds(current, timeColumn);
        var mask = 0;
        foreach (var row in w.Rows) if (!double.IsNaN(cur[row])) mask |= 1 << (int)Weekday(cur[row]);
        if (_byWeekdays.TryGetValue(mask, out var cached)) return cached;
        var rows = Enumerable.Range(0, _table.RowCount).Where(i => !double.IsNaN(_seconds![i]) && (mask & (1 << (int)Weekday(_seconds[i]))) != 0).ToArray();
        var days = string.Join(", ", Enumerable.Range(0, 7).Where(d => (mask & (1 << d)) != 0).Select(d => ((DayOfWeek)d).ToString()[..3]));
        var profile = ReferenceBuilder.Build(_table.Take(rows).Columns, [], $"{_name}, {rows.Length:N0} rows on {days}", _options);
        _byWeekdays[mask] = profile;
        return profile;
    }

    private static DayOfWeek Weekday(double seconds) => DateTimeOffset.UnixEpoch.AddSeconds(seconds).DayOfWeek;
}
