namespace Keel.Core.Data;

/// <summary>The name and logical type of one column.</summary>
public sealed record ColumnSchema(string Name, ColumnType Type);

/// <summary>The ordered columns of a table; recorded with every run and model version.</summary>
public sealed record DataSchema(IReadOnlyList<ColumnSchema> Columns)
{
    /// <summary>The column called <paramref name="name"/>, or null.</summary>
    public ColumnSchema? Find(string name) => Columns.FirstOrDefault(c => c.Name == name);

    public bool Equals(DataSchema? other) => other is not null && Columns.SequenceEqual(other.Columns);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var c in Columns) h.Add(c);
        return h.ToHashCode();
    }
}
