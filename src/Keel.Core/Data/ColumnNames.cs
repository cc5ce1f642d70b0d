namespace Keel.Core.Data;

/// <summary>What a message says when a named column is not in a table: the likely intended column, then the columns there are.</summary>
public static class ColumnNames
{
    /// <summary>Most columns listed; a wider table's list ends with how many more there are.</summary>
    public const int MaxListed = 40;

    /// <summary>"did you mean 'Species'? columns are: Species, Island, …" (the suggestion only when one column is close to
    /// <paramref name="wanted"/>; see <see cref="Closest"/>).</summary>
    public static string Hint(string wanted, Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Hint(wanted, table.Columns.Select(c => c.Name));
    }

    /// <inheritdoc cref="Hint(string, Table)"/>
    /// <param name="wanted">The name asked for.</param>
    /// <param name="columns">The columns there are, in order.</param>
    /// <param name="kind">What the list is of, e.g. "feature columns".</param>
    public static string Hint(string wanted, IEnumerable<string> columns, string kind = "columns")
    {
        var names = columns.ToList();
        var listed = names.Count <= MaxListed ? string.Join(", ", names)
            : string.Join(", ", names.Take(MaxListed)) + $", and {names.Count - MaxListed:N0} more";
        return (Closest(wanted, names) is { } near ? $"did you mean '{near}'? " : "") + kind + " are: " + listed;
    }

    /// <summary>The one column <paramref name="wanted"/> most likely meant: the same name but for case, or for spaces, punctuation
    /// and case (beak_length_mm for "Beak Length (mm)"), or else within two edits of it (one for names of up to four letters);
    /// null when none is, or when two are equally close.</summary>
    public static string? Closest(string wanted, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var rule in new Func<string, string>[] { n => n.ToLowerInvariant(), Letters })
        {
            var same = columns.Where(c => rule(c) == rule(wanted)).Distinct(StringComparer.Ordinal).ToList();
            if (same.Count == 1) return same[0];
            if (same.Count > 1) return null;
        }
        var key = Letters(wanted);
        var limit = key.Length <= 4 ? 1 : 2;
        var near = columns.Select(c => (Name: c, Distance: Distance(key, Letters(c)))).Where(c => c.Distance <= limit).ToList();
        if (near.Count == 0) return null;
        var best = near.Min(c => c.Distance);
        var closest = near.Where(c => c.Distance == best).Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();
        return closest.Count == 1 ? closest[0] : null;
    }

    private static string Letters(string name) => string.Concat(name.Where(char.IsLetterOrDigit)).ToLowerInvariant();

    /// <summary>Levenshtein distance: the fewest insertions, deletions and substitutions that turn one into the other.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
