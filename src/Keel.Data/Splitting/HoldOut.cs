namespace Keel.Data;

/// <summary>Random and stratified selection of a share of rows.</summary>
internal static class HoldOut
{
    /// <summary>Rows to take for a share of <paramref name="n"/>: rounded, at least one when a share is asked, and never all.</summary>
    public static int Target(int n, double fraction) =>
        fraction <= 0 || n < 2 ? 0 : Math.Clamp((int)Math.Round(n * fraction, MidpointRounding.AwayFromZero), 1, n - 1);

    /// <summary>Fisher–Yates, so the order depends only on the seed.</summary>
    public static void Shuffle(int[] rows, Random rng)
    {
        for (var i = rows.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (rows[i], rows[j]) = (rows[j], rows[i]);
        }
    }

    /// <summary>
    /// Splits <paramref name="rows"/> into (held, rest) with Target(rows, fraction) held rows; when <paramref name="classes"/>
    /// is given, each class contributes its share (largest remainders settle the rounding) so class shares are preserved.
    /// </summary>
    public static (int[] Held, int[] Others) Take(IReadOnlyList<int> rows, double fraction, int[]? classes, Random rng)
    {
        var shuffled = rows.ToArray();
        Shuffle(shuffled, rng);
        var total = Target(shuffled.Length, fraction);
        if (classes is null) return (shuffled[..total], shuffled[total..]);

        var byClass = shuffled.GroupBy(r => classes[r]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        var exact = byClass.Select(g => g.Length * (double)total / shuffled.Length).ToArray();
        var quota = exact.Select(Math.Floor).Select(q => (int)q).ToArray();
        var order = Enumerable.Range(0, byClass.Length).OrderByDescending(c => exact[c] - quota[c]).ThenBy(c => c).ToArray();
        for (var k = 0; k < total - quota.Sum(); k++) quota[order[k % order.Length]]++;

        var held = new List<int>(total);
        var rest = new List<int>(shuffled.Length - total);
        for (var c = 0; c < byClass.Length; c++)
        {
            held.AddRange(byClass[c].Take(quota[c]));
            rest.AddRange(byClass[c].Skip(quota[c]));
        }
        return (held.ToArray(), rest.ToArray());
    }
}
