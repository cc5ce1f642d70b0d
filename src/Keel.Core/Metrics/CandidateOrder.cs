namespace Keel.Core.Metrics;

/// <summary>The one order of candidates used by selection, the console leaderboard and the report.</summary>
/// <remarks>Best value of the selection metric first, in the metric's direction; undefined (missing or NaN) values last;
/// equal values keep the order of the spec, so the earlier candidate wins a tie.</remarks>
public static class CandidateOrder
{
    /// <summary><paramref name="items"/> (in spec order) best first by <paramref name="value"/>; null or NaN counts as undefined.</summary>
    public static IReadOnlyList<T> Rank<T>(IReadOnlyList<T> items, Func<T, double?> value, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(value);
        var keyed = items.Select((item, index) => (item, index, v: value(item))).ToList();
        keyed.Sort((a, b) =>
        {
            var c = Compare(a.v, b.v, higherIsBetter);
            return c != 0 ? c : a.index.CompareTo(b.index);
        });
        return keyed.Select(k => k.item).ToList();
    }

    /// <summary>Whether <paramref name="v"/> is a value a candidate can be ranked by (not null, not NaN).</summary>
    public static bool IsDefined(double? v) => v is { } x && !double.IsNaN(x);

    private static int Compare(double? a, double? b, bool higherIsBetter)
    {
        var da = IsDefined(a);
        var db = IsDefined(b);
        if (!da || !db) return da == db ? 0 : da ? -1 : 1;
        var c = a!.Value.CompareTo(b!.Value);
        return higherIsBetter ? -c : c;
    }
}
