namespace Keel.Core.Metrics;

/// <summary>The one order of candidates used by selection, the console leaderboard and the report.</summary>
/// <remarks>Best value of the selection metric first, in the metric's direction; undefined (missing or NaN) values last;
/// equal values keep the order of the spec, so the earlier candidate wins a tie.</remarks>
public static class CandidateOrder
{
    /// <summary><paramref name="items"/> best first by <paramref name="value"/> under <paramref name="metric"/>; null or NaN counts as undefined.</summary>
    public static IReadOnlyList<T> Rank<T>(IReadOnlyList<T> items, Func<T, double?> value, MetricInfo metric)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(metric);
        var keyed = items.Select((item, index) => (item, index, v: value(item))).ToList();
        keyed.Sort((a, b) =>
        {
            var c = Compare(a.v, b.v, metric);
            return c != 0 ? c : a.index.CompareTo(b.index);
        });
        return keyed.Select(k => k.item).ToList();
    }

    /// <summary>Whether <paramref name="v"/> is a value a candidate can be ranked by (not null, not NaN).</summary>
    public static bool IsDefined(double? v) => v is { } x && !double.IsNaN(x);

    private static int Compare(double? a, double? b, MetricInfo metric)
    {
        var da = IsDefined(a);
        var db = IsDefined(b);
        if (!da || !db) return da == db ? 0 : da ? -1 : 1;
        if (a!.Value == b!.Value) return 0;
        return metric.IsBetter(a.Value, b.Value) ? -1 : 1;
    }
}
