using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Monitoring;

/// <summary>
/// The figures of one monitoring window as a flat map of named numbers, the vocabulary that alert rules read:
/// per column <c>psi(col)</c>, <c>ks(col)</c>, <c>ks_p(col)</c>, <c>wasserstein(col)</c>, <c>js(col)</c>,
/// <c>chi2(col)</c>, <c>chi2_p(col)</c>, <c>js_p(col)</c>, <c>missing_rate(col)</c>, <c>unseen_rate(col)</c>,
/// <c>out_of_range_rate(col)</c>, <c>drifted(col)</c> (1 or 0); per window <c>drift_share</c>, <c>rows</c>,
/// and from the serving log <c>requests</c>, <c>error_rate</c>, <c>p50_ms</c>, <c>p95_ms</c>, <c>p99_ms</c>.
/// Names are case-sensitive; a figure that could not be computed is absent rather than NaN.
/// </summary>
[JsonConverter(typeof(WindowFiguresJsonConverter))]
public sealed class WindowFigures : IReadOnlyDictionary<string, double>
{
    private readonly SortedDictionary<string, double> _values = new(StringComparer.Ordinal);

    /// <summary>Creates an empty set of figures.</summary>
    public WindowFigures() { }

    /// <summary>Creates figures from existing name/value pairs (non-finite values are dropped).</summary>
    public WindowFigures(IEnumerable<KeyValuePair<string, double>> values)
    {
        foreach (var (k, v) in values) Set(k, v);
    }

    /// <summary>The name of a per-column figure, e.g. <c>Column("psi", "distance")</c> is <c>psi(distance)</c>.</summary>
    public static string Column(string statistic, string column) => $"{statistic}({column})";

    /// <summary>Sets a figure; NaN and infinities are not stored, so a rule never compares against them.</summary>
    public void Set(string name, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (double.IsFinite(value)) _values[name] = value; else _values.Remove(name);
    }

    /// <summary>Sets a per-column figure named <c>statistic(column)</c>.</summary>
    public void Set(string statistic, string column, double value) => Set(Column(statistic, column), value);

    /// <summary>The value of a figure, or null when it was not computed for this window.</summary>
    public double? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <inheritdoc />
    public double this[string key] => _values[key];
    /// <inheritdoc />
    public IEnumerable<string> Keys => _values.Keys;
    /// <inheritdoc />
    public IEnumerable<double> Values => _values.Values;
    /// <inheritdoc />
    public int Count => _values.Count;
    /// <inheritdoc />
    public bool ContainsKey(string key) => _values.ContainsKey(key);
    /// <inheritdoc />
    public bool TryGetValue(string key, out double value) => _values.TryGetValue(key, out value);
    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => _values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(", ", _values.Select(p => p.Key + "=" + p.Value.ToString("G6", CultureInfo.InvariantCulture)));
}

/// <summary>Writes figures as a JSON object of name → number and reads them back.</summary>
internal sealed class WindowFiguresJsonConverter : JsonConverter<WindowFigures>
{
    public override WindowFigures Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(JsonSerializer.Deserialize<Dictionary<string, double>>(ref reader, options) ?? []);

    public override void Write(Utf8JsonWriter writer, WindowFigures value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (k, v) in value) writer.WriteNumber(k, v);
        writer.WriteEndObject();
    }
}
