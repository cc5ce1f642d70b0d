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
        var nTest = HoldOut.Target(rowCount, request.TestFraction);
        var rest = rowCount - nTest;
        var nValidation = HoldOut.Target(rest, request.ValidationFraction);
        return (order[..(rest - nValidation)], order[(rest - nValidation)..rest], order[rest..]);
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
        var queue = new Queue<List<int>>(order.Select(i => groups[firstSeen[i]]));
        var test = Fill(queue, HoldOut.Target(rowCount, request.TestFraction));
        var nonTest = queue.Sum(g => g.Count);
        var validation = Fill(queue, HoldOut.Target(nonTest, request.ValidationFraction));
        var train = queue.SelectMany(g => g).ToArray();
        return (train, validation, test);
    }

    /// <summary>Takes whole groups until <paramref name="target"/> rows are reached, always leaving one group for train.</summary>
    private static int[] Fill(Queue<List<int>> groups, int target)
    {
        var taken = new List<int>();
        while (taken.Count < target && groups.Count > 1) taken.AddRange(groups.Dequeue());
        return taken.ToArray();
    }

    private static void CheckLength(Column column, int rowCount)
    {
        if (column.Length != rowCount)
            throw new ArgumentException($"Column '{column.Name}' has {column.Length} rows, expected {rowCount}.");
    }
}
