namespace Keel.Data;

/// <summary>Interns the strings of one column, so that a value repeated on many rows is stored once.</summary>
internal sealed class StringPool
{
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool() => _lookup = _set.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Number of distinct strings seen.</summary>
    public int Count => _set.Count;

    /// <summary>The pooled string equal to <paramref name="value"/>, added on first sight (no allocation when already pooled).</summary>
    public string Get(ReadOnlySpan<char> value)
    {
        if (_lookup.TryGetValue(value, out var pooled)) return pooled;
        var s = value.ToString();
        _set.Add(s);
        return s;
    }

    /// <summary>The pooled string equal to <paramref name="value"/>, adding it on first sight.</summary>
    public string Get(string value)
    {
        if (_set.TryGetValue(value, out var pooled)) return pooled;
        _set.Add(value);
        return value;
    }
}
