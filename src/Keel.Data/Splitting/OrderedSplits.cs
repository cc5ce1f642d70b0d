using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data;

/// <summary>Splits that keep related rows together: by time (newest rows test) and by group (whole groups per split).</summary>
internal static class OrderedSplits
{
    public static (int[], int[], int[]) ByTime(int rowCount, SplitRequest request, string source)
    {
        var column = request.TimeColumn
            ?? throw new KeelInputException($"{source}split.strategy: time needs data.time_column.");
        if (column is not NumericColumn time)
            throw new KeelInputException(
                $"{source}data.time_column '{column.Name}': expected a date/time or numeric column, got {column.Type.ToString().ToLowerInvariant()}.");
        CheckLength(column, rowCount);
        for (var r = 0; r < rowCount; r++)
        {
            if (time.IsMissing(r))
                throw new KeelInputException($"{source}row {r} (0-based), column '{column.Name}': the time is missing; a time split needs every row's time.");
        }
        // Ties keep row order so the split is reproducible without a seed.
        var order = Enumerable.Range(0, rowCount).OrderBy(r => time[r]).ThenBy(r => r).ToArray();
        // Cuts fall between two different times, so every row of one time lands in one split (no day in train and test).
        var testCut = Boundary(order, time, 1, rowCount - 1, rowCount - HoldOut.Target(rowCount, request.TestFraction))
            ?? throw new KeelInputException(
                $"{source}data.time_column '{column.Name}': every row has the same time, so no rows can be held out for test.");
        var validationCut = testCut;
        var nValidation = HoldOut.Target(testCut, request.ValidationFraction);
        if (nValidation > 0)
        {
            validationCut = Boundary(order, time, 1, testCut - 1, testCut - nValidation)
                ?? throw new KeelInputException(
                    $"{source}data.time_column '{column.Name}': every row before the test period has the same time, so none can be held out "
                    + "for validation; set split.validation_fraction to 0 or use more distinct times.");
        }
        return (order[..validationCut], order[validationCut..testCut], order[testCut..]);
    }

    /// <summary>
    /// The cut position in [<paramref name="lo"/>, <paramref name="hi"/>] nearest to <paramref name="target"/> where the time
    /// changes (rows before it are older than rows from it on); on a tie the later cut, which holds out fewer rows. Null if none.
    /// </summary>
    private static int? Boundary(int[] order, NumericColumn time, int lo, int hi, int target)
    {
        for (var d = 0; target - d >= lo || target + d <= hi; d++)
        {
            if (IsBoundary(target + d)) return target + d;
            if (IsBoundary(target - d)) return target - d;
        }
        return null;

        bool IsBoundary(int p) => p >= lo && p <= hi && time[order[p - 1]] != time[order[p]];
    }

    public static (int[], int[], int[]) ByGroup(int rowCount, SplitRequest request, string source, Random rng)
    {
        var column = request.GroupColumn
            ?? throw new KeelInputException($"{source}split.strategy: group needs data.group_column.");
        CheckLength(column, rowCount);
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var firstSeen = new List<string>();
        for (var r = 0; r < rowCount; r++)
        {
            if (column.IsMissing(r))
                throw new KeelInputException($"{source}row {r} (0-based), column '{column.Name}': the group is missing; a group split needs every row's group.");
            var key = column.Format(r);
            if (!groups.TryGetValue(key, out var rows)) groups[key] = rows = [];
            rows.Add(r);
        }
        foreach (var key in groups.Keys) firstSeen.Add(key);
        if (groups.Count < 2)
            throw new KeelInputException($"{source}data.group_column '{column.Name}': a group split needs at least 2 groups, got {groups.Count}.");

        var order = Enumerable.Range(0, firstSeen.Count).ToArray();
        HoldOut.Shuffle(order, rng);
        var shuffled = order.Select(i => groups[firstSeen[i]]).ToList();
        var test = Fill(shuffled, HoldOut.Target(rowCount, request.TestFraction));
        var nonTest = shuffled.Sum(g => g.Count);
        var validation = Fill(shuffled, HoldOut.Target(nonTest, request.ValidationFraction));
        var train = shuffled.SelectMany(g => g).ToArray();
        return (train, validation, test);
    }

    /// <summary>
    /// Takes whole groups, in their shuffled order, that bring the count no farther from <paramref name="target"/> (a group
    /// too large is passed over for later, smaller ones), always leaving one group for train. When every group is too large,
    /// takes the smallest, so the split is not empty. Taken groups are removed from <paramref name="groups"/>.
    /// </summary>
    private static int[] Fill(List<List<int>> groups, int target)
    {
        var taken = new List<int>();
        var used = new bool[groups.Count];
        var left = groups.Count;
        for (var i = 0; i < groups.Count && taken.Count < target && left > 1; i++)
        {
            if (taken.Count + groups[i].Count - target > target - taken.Count) continue;
            taken.AddRange(groups[i]);
            used[i] = true;
            left--;
        }
        if (taken.Count == 0 && target > 0 && left > 1)
        {
            var smallest = Enumerable.Range(0, groups.Count).MinBy(i => groups[i].Count);
            taken.AddRange(groups[smallest]);
            used[smallest] = true;
        }
        var kept = groups.Where((_, i) => !used[i]).ToList();
        groups.Clear();
        groups.AddRange(kept);
        return taken.ToArray();
    }

    private static void CheckLength(Column column, int rowCount)
    {
        if (column.Length != rowCount)
            throw new ArgumentException($"Column '{column.Name}' has {column.Length} rows, expected {rowCount}.");
    }
}
