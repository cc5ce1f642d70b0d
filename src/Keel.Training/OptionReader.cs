using System.Globalization;
using Keel.Core;

namespace Keel.Training;

/// <summary>Reads a model spec's options one by one, validating each, and records the effective values.</summary>
/// <remarks>Call <see cref="Finish"/> last: it rejects option names nobody asked for.</remarks>
internal sealed class OptionReader
{
    private readonly IReadOnlyDictionary<string, string> _given;
    private readonly string _where;
    private readonly Dictionary<string, string> _effective = new(StringComparer.Ordinal);

    public OptionReader(IReadOnlyDictionary<string, string> given, string where)
    {
        _given = given;
        _where = where;
    }

    /// <summary>"models[i] (name)", used to prefix every error.</summary>
    public string Where => _where;

    /// <summary>Whether the spec gives <paramref name="name"/> (otherwise its default applies).</summary>
    public bool Given(string name) => _given.ContainsKey(name);

    public int Int(string name, int defaultValue, int min, int max)
    {
        var value = defaultValue;
        if (_given.TryGetValue(name, out var text))
        {
            if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value) || value < min || value > max)
                throw new KeelInputException($"{_where}: option '{name}' must be an integer from {min} to {max}, got '{text}'.");
        }
        _effective[name] = value.ToString(CultureInfo.InvariantCulture);
        return value;
    }

    /// <summary>A number in [min, max], or (min, max] when <paramref name="minExclusive"/>.</summary>
    public double Double(string name, double defaultValue, double min, double max, bool minExclusive = false)
    {
        var value = defaultValue;
        if (_given.TryGetValue(name, out var text))
        {
            var ok = double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                && double.IsFinite(value) && (minExclusive ? value > min : value >= min) && value <= max;
            if (!ok)
            {
                var range = $"{(minExclusive ? "(" : "[")}{Format(min)}, {Format(max)}]";
                throw new KeelInputException($"{_where}: option '{name}' must be a number in {range}, got '{text}'.");
            }
        }
        _effective[name] = Format(value);
        return value;
    }

    /// <summary><paramref name="count"/> positive numbers written "1,2.5,1" (one per member); null when the option is not given.</summary>
    public double[]? Doubles(string name, int count)
    {
        if (!_given.TryGetValue(name, out var text))
        {
            _effective[name] = "equal";
            return null;
        }
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]) || values[i] < 0)
                throw new KeelInputException($"{_where}: option '{name}' must list {count} numbers of at least 0, one per member; '{parts[i]}' is not one.");
        }
        if (values.Length != count || values.Sum() <= 0)
            throw new KeelInputException($"{_where}: option '{name}' must list {count} numbers of at least 0 (one per member, not all 0), got '{text}'.");
        _effective[name] = string.Join(",", values.Select(Format));
        return values;
    }

    /// <summary>true or false (case-insensitive).</summary>
    public bool Bool(string name, bool defaultValue)
    {
        var value = defaultValue;
        if (_given.TryGetValue(name, out var text) && !bool.TryParse(text.Trim(), out value))
            throw new KeelInputException($"{_where}: option '{name}' must be true or false, got '{text}'.");
        _effective[name] = value ? "true" : "false";
        return value;
    }

    /// <summary>Throws for option names that were given but not read; returns the effective values.</summary>
    public IReadOnlyDictionary<string, string> Finish()
    {
        foreach (var name in _given.Keys)
        {
            if (_effective.ContainsKey(name)) continue;
            var expected = _effective.Count == 0 ? "this type takes no options" : "expected one of: " + string.Join(", ", _effective.Keys.Order(StringComparer.Ordinal));
            throw new KeelInputException($"{_where}: unknown option '{name}'; {expected}.");
        }
        return new SortedDictionary<string, string>(_effective, StringComparer.Ordinal);
    }

    /// <summary>A trainer's <paramref name="effective"/> params with <paramref name="values"/> written over them, ordered as
    /// <see cref="Finish"/> orders them: the params of a trainer that fixed some of its options (rounds, row-dependent defaults).</summary>
    internal static SortedDictionary<string, string> Overlay(IReadOnlyDictionary<string, string> effective, IEnumerable<KeyValuePair<string, string>> values)
    {
        var merged = new SortedDictionary<string, string>(effective.ToDictionary(), StringComparer.Ordinal);
        foreach (var (name, value) in values) merged[name] = value;
        return merged;
    }

    /// <summary>A number as effective params write it (round-trip, invariant).</summary>
    internal static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
