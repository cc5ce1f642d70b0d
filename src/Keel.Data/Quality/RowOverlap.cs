using Keel.Core.Data;

namespace Keel.Data.Quality;

/// <summary>Which rows of one table repeat rows of another exactly, over the columns both have (e.g. new evaluation data against
/// the rows a model was trained on).</summary>
public static class RowOverlap
{
    /// <summary>The rows of <paramref name="other"/> whose values in <paramref name="columns"/> equal those of one of
    /// <paramref name="seenRows"/> of <paramref name="seen"/>, ascending. A column of another kind in the two tables (numbers in one,
    /// text in the other) is left out of the comparison.</summary>
    public static int[] Rows(Table seen, IReadOnlyList<int> seenRows, Table other, IReadOnlyCollection<string> columns)
    {
        ArgumentNullException.ThrowIfNull(seen);
        ArgumentNullException.ThrowIfNull(seenRows);
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(columns);
        var shared = columns.Where(c => seen.Contains(c) && other.Contains(c) && seen[c].GetType() == other[c].GetType()).ToArray();
        if (shared.Length == 0 || seenRows.Count == 0) return [];
        var seenKeys = RowHasher.Keys(shared.Select(c => seen[c]).ToArray(), seen.RowCount, normalise: false);
        var known = seenRows.Select(r => seenKeys[r]).ToHashSet();
        var keys = RowHasher.Keys(shared.Select(c => other[c]).ToArray(), other.RowCount, normalise: false);
        return Enumerable.Range(0, other.RowCount).Where(r => known.Contains(keys[r])).ToArray();
    }
}
