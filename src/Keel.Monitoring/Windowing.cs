using System.Globalization;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Monitoring;

/// <summary>One window of current data: its label, time bounds (when by time) and row indices.</summary>
public sealed record DataWindow(string Label, DateTimeOffset? From, DateTimeOffset? To, int[] Rows);

/// <summary>How current data is cut into windows: by a time span (<c>12h</c>, <c>1d</c>, <c>7d</c>, <c>1w</c>), by calendar
/// month (<c>1mo</c>), or by a number of rows (<c>50000</c>); none: one window of everything.</summary>
public sealed record WindowSpec
{
    /// <summary>Span of a time window; null for months and row windows.</summary>
    public TimeSpan? Span { get; init; }
    /// <summary>Calendar months per window; 0 unless by month.</summary>
    public int Months { get; init; }
    /// <summary>Rows per window; 0 unless by rows.</summary>
    public int Rows { get; init; }

    /// <summary>Whether the windows need a time column.</summary>
    public bool ByTime => Span is not null || Months > 0;

    /// <summary>Parses <c>12h</c>, <c>1d</c>, <c>7d</c>, <c>2w</c>, <c>1mo</c> or a row count (<c>5000</c>, <c>5000rows</c>).</summary>
    /// <exception cref="KeelInputException">Not one of those forms.</exception>
    public static WindowSpec Parse(string text, string field = "--window")
    {
        var t = text.Trim().ToLowerInvariant();
        string digits = new(t.TakeWhile(char.IsDigit).ToArray());
        var unit = t[digits.Length..];
        if (digits.Length == 0 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
            throw new KeelInputException($"{field} '{text}': expected a positive count with a unit, e.g. 1d, 7d, 12h, 1w, 1mo, or a number of rows such as 50000.");
        return unit switch
        {
            "h" => new WindowSpec { Span = TimeSpan.FromHours(n) },
            "d" => new WindowSpec { Span = TimeSpan.FromDays(n) },
            "w" => new WindowSpec { Span = TimeSpan.FromDays(7 * n) },
            "mo" => new WindowSpec { Months = n },
            "" or "rows" => new WindowSpec { Rows = n },
            _ => throw new KeelInputException($"{field} '{text}': unknown unit '{unit}'; expected h, d, w, mo, or none for a number of rows."),
        };
    }
}

/// <summary>Cuts a table into windows.</summary>
public static class Windowing
{
    /// <summary>The windows of <paramref name="table"/>, oldest first. Time windows start at the first row's UTC day (hours:
    /// its hour; months: its calendar month); rows with no time are left out. Empty windows are skipped. Windows of a number of
    /// rows start only at rows <paramref name="mayStartAt"/> accepts (e.g. the first row of a logged request), so a window runs on
    /// past its count to the next such row; a last window of fewer than half the count joins the one before it, so no window's
    /// figures rest on a handful of rows.</summary>
    public static IReadOnlyList<DataWindow> Split(Table table, WindowSpec? spec, string? timeColumn, Func<int, bool>? mayStartAt = null)
    {
        if (spec is null || (!spec.ByTime && spec.Rows == 0))
            return [new DataWindow("all", null, null, Enumerable.Range(0, table.RowCount).ToArray())];
        if (!spec.ByTime)
        {
            var list = new List<DataWindow>();
            for (int start = 0, end; start < table.RowCount; start = end)
            {
                end = Math.Min(table.RowCount, start + spec.Rows);
                while (end < table.RowCount && mayStartAt is not null && !mayStartAt(end)) end++;
                if (list.Count > 0 && end == table.RowCount && 2 * (end - start) < spec.Rows)
                {
                    start = list[^1].Rows[0]; // a short tail joins the window before it
                    list.RemoveAt(list.Count - 1);
                }
                list.Add(new DataWindow($"rows {start}–{end - 1}", null, null, Enumerable.Range(start, end - start).ToArray()));
            }
            return list;
        }
        var seconds = TimeSeconds(table, timeColumn);
        var keys = new long[seconds.Length];
        var first = double.PositiveInfinity;
        foreach (var s in seconds) if (!double.IsNaN(s) && s < first) first = s;
        if (double.IsInfinity(first)) return [];
        var origin = DateTimeOffset.UnixEpoch.AddSeconds(first);
        origin = spec.Span is { } span && span < TimeSpan.FromDays(1)
            ? new DateTimeOffset(origin.Year, origin.Month, origin.Day, origin.Hour, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(origin.Year, origin.Month, spec.Months > 0 ? 1 : origin.Day, 0, 0, 0, TimeSpan.Zero);
        var groups = new SortedDictionary<long, List<int>>();
        for (var i = 0; i < seconds.Length; i++)
        {
            if (double.IsNaN(seconds[i])) continue;
            long key;
            if (spec.Months > 0)
            {
                var at = DateTimeOffset.UnixEpoch.AddSeconds(seconds[i]);
                key = ((at.Year - origin.Year) * 12 + at.Month - origin.Month) / spec.Months;
            }
            else key = (long)Math.Floor((seconds[i] - origin.ToUnixTimeSeconds()) / spec.Span!.Value.TotalSeconds);
            if (!groups.TryGetValue(key, out var rows)) groups[key] = rows = [];
            rows.Add(i);
        }
        return groups.Select(g =>
        {
            var from = spec.Months > 0 ? origin.AddMonths((int)g.Key * spec.Months) : origin + g.Key * spec.Span!.Value;
            var to = spec.Months > 0 ? from.AddMonths(spec.Months) : from + spec.Span!.Value;
            return new DataWindow(Label(from, to, spec), from, to, [.. g.Value]);
        }).ToArray();
    }

    /// <summary>Seconds since the epoch per row of the time column (NaN when missing).</summary>
    /// <exception cref="KeelInputException">No time column named, no such column, or not a date-time column.</exception>
    public static double[] TimeSeconds(Table table, string? timeColumn)
    {
        if (timeColumn is null)
            throw new KeelInputException("--window by time needs --time-column, the column that holds each row's date and time.");
        if (!table.Contains(timeColumn))
            throw new KeelInputException($"--time-column '{timeColumn}': the data has no such column; {ColumnNames.Hint(timeColumn, table)}.");
        if (table[timeColumn] is not NumericColumn { Type: ColumnType.DateTime } t)
            throw new KeelInputException($"--time-column '{timeColumn}': expected date-time values (e.g. 2001-03-04T05:06:07), found {table[timeColumn].Type.ToString().ToLowerInvariant()} values.");
        return t.Values.ToArray();
    }

    private static string Label(DateTimeOffset from, DateTimeOffset to, WindowSpec spec)
    {
        if (spec.Months == 1) return from.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (spec.Months > 1) return $"{from:yyyy-MM}..{to.AddMonths(-1):yyyy-MM}";
        var span = spec.Span!.Value;
        if (span == TimeSpan.FromDays(1)) return from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (span < TimeSpan.FromDays(1)) return from.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        return $"{from:yyyy-MM-dd}..{to.AddDays(-1):yyyy-MM-dd}";
    }
}
