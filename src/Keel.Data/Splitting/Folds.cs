using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data;

/// <summary>How training rows are cut into cross-validation folds.</summary>
public enum FoldKind
{
    /// <summary>Shuffled rows dealt into k folds of near-equal size.</summary>
    Random,
    /// <summary>As random, dealt per class, so every fold keeps each class's share (classification).</summary>
    Stratified,
    /// <summary>Whole groups of the group column per fold (the largest groups first, each to the smallest fold): no group in two folds.</summary>
    Grouped,
    /// <summary>Forward chaining by the time column: k + 1 blocks in time order; fold i trains on blocks 0..i-1 and validates on block i.</summary>
    Forward,
}

/// <summary>What <see cref="Folds.Make"/> needs to cut rows into folds.</summary>
public sealed record FoldRequest
{
    /// <summary>The kind of folds (no default).</summary>
    public required FoldKind Kind { get; init; }

    /// <summary>Number of folds, at least 2. Default 5.</summary>
    public int K { get; init; } = 5;

    /// <summary>Seed of the shuffles (unused by forward chaining). Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Class index per table row; required for stratified folds. Default null.</summary>
    public int[]? Classes { get; init; }

    /// <summary>The group column (per table row); required for grouped folds. Default null.</summary>
    public Column? Group { get; init; }

    /// <summary>The time column (numeric or date/time, per table row); required for forward chaining. Default null.</summary>
    public Column? Time { get; init; }

    /// <summary>The spec's or data file's name, for error messages. Default empty.</summary>
    public string SourceName { get; init; } = "";
}

/// <summary>One cross-validation fold: table row indices to train on and to validate on, both sorted and disjoint.</summary>
/// <param name="Index">0-based position of the fold.</param>
/// <param name="Train">Rows the fold's model is fitted on.</param>
/// <param name="Validation">Rows it is scored on (its out-of-fold rows).</param>
public sealed record Fold(int Index, int[] Train, int[] Validation);

/// <summary>Cuts a set of rows (the training rows of a run; never its test rows) into cross-validation folds.</summary>
/// <remarks>Only the rows given are ever placed in a fold, so rows held out for test cannot leak in. Random, stratified and grouped
/// folds validate every given row exactly once; forward chaining never validates its first block (nothing comes before it).</remarks>
public static class Folds
{
    /// <summary>The folds of <paramref name="rows"/> (table row indices) as <paramref name="request"/> says; the same request gives the same folds.</summary>
    /// <exception cref="KeelInputException">Too few rows, groups or distinct times for the folds asked for, or a missing group or time.</exception>
    public static IReadOnlyList<Fold> Make(IReadOnlyList<int> rows, FoldRequest request)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(request);
        var source = request.SourceName.Length > 0 ? request.SourceName + " " : "";
        if (request.K < 2) throw new KeelInputException($"{source}field 'split.folds': expected at least 2 folds, got {request.K}.");
        if (rows.Count < request.K)
            throw new KeelInputException($"{source}field 'split.folds': {request.K} folds need at least {request.K} training rows, got {rows.Count}.");
        var rng = new Random(request.Seed);
        var assigned = request.Kind switch
        {
            FoldKind.Random => Deal(Shuffled(rows, rng), request.K, new int[request.K]),
            FoldKind.Stratified => Stratified(rows, request, source, rng),
            FoldKind.Grouped => Grouped(rows, request, source, rng),
            FoldKind.Forward => null,
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Kind, "Unknown fold kind."),
        };
        if (assigned is null) return Forward(rows, request, source);
        return Enumerable.Range(0, request.K).Select(f =>
            new Fold(f, Sorted(rows.Where((_, i) => assigned[i] != f)), Sorted(rows.Where((_, i) => assigned[i] == f)))).ToArray();
    }

    private static int[] Shuffled(IReadOnlyList<int> rows, Random rng)
    {
        var positions = Enumerable.Range(0, rows.Count).ToArray();
        HoldOut.Shuffle(positions, rng);
        return positions;
    }

    /// <summary>Deals positions round-robin, starting each deal at the fold with the fewest rows so far, so fold sizes differ by at most one.</summary>
    private static int[] Deal(int[] positions, int k, int[] sizes, int[]? into = null)
    {
        into ??= new int[positions.Length];
        var start = Enumerable.Range(0, k).OrderBy(f => sizes[f]).ThenBy(f => f).ToArray();
        for (var i = 0; i < positions.Length; i++)
        {
            var f = start[i % k];
            into[positions[i]] = f;
            sizes[f]++;
        }
        return into;
    }

    private static int[] Stratified(IReadOnlyList<int> rows, FoldRequest request, string source, Random rng)
    {
        var classes = request.Classes ?? throw new KeelInputException($"{source}field 'split.selection': stratified folds need a classification label.");
        var order = Shuffled(rows, rng);
        var into = new int[rows.Count];
        var sizes = new int[request.K];
        foreach (var group in order.GroupBy(p => classes[rows[p]]).OrderBy(g => g.Key)) Deal(group.ToArray(), request.K, sizes, into);
        return into;
    }

    private static int[] Grouped(IReadOnlyList<int> rows, FoldRequest request, string source, Random rng)
    {
        var column = request.Group ?? throw new KeelInputException($"{source}field 'data.group_column': grouped folds need the group column.");
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var p = 0; p < rows.Count; p++)
        {
            if (column.IsMissing(rows[p]))
                throw new KeelInputException($"{source}row {rows[p]} (0-based), column '{column.Name}': the group is missing; grouped folds need every row's group.");
            var key = column.Format(rows[p]);
            if (!groups.TryGetValue(key, out var members)) groups[key] = members = [];
            members.Add(p);
        }
        if (groups.Count < request.K)
            throw new KeelInputException($"{source}field 'split.folds': {request.K} grouped folds need at least {request.K} groups in column '{column.Name}' among the training rows, got {groups.Count}.");
        // Shuffled first so equal-sized groups are placed in a seeded order, then largest first, each to the currently smallest fold.
        var list = groups.Values.ToArray();
        var shuffle = Enumerable.Range(0, list.Length).ToArray();
        HoldOut.Shuffle(shuffle, rng);
        var into = new int[rows.Count];
        var sizes = new int[request.K];
        foreach (var g in shuffle.Select(i => list[i]).OrderByDescending(g => g.Count))
        {
            var f = Enumerable.Range(0, request.K).MinBy(i => sizes[i]);
            foreach (var p in g) into[p] = f;
            sizes[f] += g.Count;
        }
        return into;
    }

    private static Fold[] Forward(IReadOnlyList<int> rows, FoldRequest request, string source)
    {
        var column = request.Time ?? throw new KeelInputException($"{source}field 'data.time_column': forward-chaining folds need the time column.");
        if (column is not NumericColumn time)
            throw new KeelInputException($"{source}field 'data.time_column': '{column.Name}' must be a date/time or numeric column for forward-chaining folds.");
        foreach (var r in rows)
        {
            if (time.IsMissing(r)) throw new KeelInputException($"{source}row {r} (0-based), column '{column.Name}': the time is missing; forward-chaining folds need every row's time.");
        }
        var order = rows.OrderBy(r => time[r]).ThenBy(r => r).ToArray();
        // k + 1 blocks cut only where the time changes, so one time never lands on both sides of a cut.
        var cuts = new List<int>();
        for (var b = 1; b <= request.K; b++)
        {
            var target = (int)Math.Round(order.Length * (double)b / (request.K + 1));
            var cut = NearestChange(order, time, target);
            if (cut is { } c && (cuts.Count == 0 || c > cuts[^1])) cuts.Add(c);
        }
        if (cuts.Count < 2)
            throw new KeelInputException($"{source}field 'split.folds': forward-chaining needs at least 3 distinct times in column '{column.Name}' among the training rows to make 2 folds.");
        cuts.Add(order.Length);
        return Enumerable.Range(0, cuts.Count - 1).Select(f =>
            new Fold(f, Sorted(order[..cuts[f]]), Sorted(order[cuts[f]..cuts[f + 1]]))).ToArray();
    }

    /// <summary>The position nearest <paramref name="target"/> in 1..n-1 where the time changes (rows before it are older); null if none.</summary>
    private static int? NearestChange(int[] order, NumericColumn time, int target)
    {
        for (var d = 0; target - d >= 1 || target + d < order.Length; d++)
        {
            if (IsChange(target + d)) return target + d;
            if (IsChange(target - d)) return target - d;
        }
        return null;

        bool IsChange(int p) => p >= 1 && p < order.Length && time[order[p - 1]] != time[order[p]];
    }

    private static int[] Sorted(IEnumerable<int> rows)
    {
        var a = rows.ToArray();
        Array.Sort(a);
        return a;
    }
}
