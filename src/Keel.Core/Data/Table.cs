namespace Keel.Core.Data;

/// <summary>An immutable, column-oriented table: every column has the same number of rows.</summary>
public sealed class Table
{
    private readonly Dictionary<string, Column> _byName;

    public Table(IReadOnlyList<Column> columns)
        : this(columns, columns?.Count > 0 ? columns[0].Length : 0)
    {
    }

    /// <summary>A table of <paramref name="rowCount"/> rows: a table without columns still has rows (the input of a model that
    /// reads no column, such as zero_rule, has one per row to predict).</summary>
    public Table(IReadOnlyList<Column> columns, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        Columns = columns.ToArray();
        RowCount = rowCount;
        _byName = new Dictionary<string, Column>(StringComparer.Ordinal);
        foreach (var c in Columns)
        {
            if (c.Length != RowCount)
                throw new ArgumentException($"Column '{c.Name}' has {c.Length} rows but the table has {RowCount}.", nameof(columns));
            if (!_byName.TryAdd(c.Name, c))
                throw new ArgumentException($"Column '{c.Name}' appears twice.", nameof(columns));
        }
    }

    /// <summary>The columns in source order.</summary>
    public IReadOnlyList<Column> Columns { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The column called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    public Column this[string name] =>
        _byName.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException($"The table has no column '{name}'.");

    /// <summary>Whether the table has a column called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The schema of this table.</summary>
    public DataSchema Schema => new(Columns.Select(c => new ColumnSchema(c.Name, c.Type)).ToArray());

    /// <summary>A new table holding the given rows in the given order.</summary>
    public Table Take(IReadOnlyList<int> rows) => new(Columns.Select(c => c.Take(rows)).ToArray(), rows.Count);

    /// <summary>A new table without the named columns (names not present are ignored).</summary>
    public Table Drop(IEnumerable<string> names)
    {
        var drop = new HashSet<string>(names, StringComparer.Ordinal);
        return new Table(Columns.Where(c => !drop.Contains(c.Name)).ToArray(), RowCount);
    }
}
