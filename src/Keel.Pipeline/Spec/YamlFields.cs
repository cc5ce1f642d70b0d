using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Core;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipeline.Spec;

/// <summary>Typed reads of YAML nodes whose errors name the spec file, line and dotted field path.</summary>
internal sealed partial class YamlFields(string file)
{
    /// <summary>The root mapping of the first document of <paramref name="yaml"/>; syntax errors name the file and line.</summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="fileName">Names the file in errors.</param>
    /// <param name="whatWhenEmpty">The error when there is no document, e.g. "the spec is empty; expected at least a 'data' section".</param>
    public static (YamlFields Fields, YamlMappingNode Root) Load(string yaml, string fileName, string whatWhenEmpty)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ye)
        {
            throw new KeelInputException($"{fileName} line {ye.Start.Line}: not valid YAML ({ye.Message}).", ye);
        }
        if (stream.Documents.Count == 0) throw new KeelInputException($"{fileName}: {whatWhenEmpty}.");
        var f = new YamlFields(fileName);
        return (f, f.Mapping(stream.Documents[0].RootNode, "(root)"));
    }

    public KeelInputException Error(YamlNode node, string field, string expected) =>
        new($"{file} line {node.Start.Line}, field '{field}': {expected}.");

    public YamlMappingNode Mapping(YamlNode node, string field) =>
        node as YamlMappingNode ?? throw Error(node, field, "expected a mapping (key: value lines)");

    /// <summary>The keys of a mapping, rejecting any not in <paramref name="allowed"/> (typos should not be silently ignored).</summary>
    public Dictionary<string, YamlNode> Keys(YamlMappingNode map, string field, params string[] allowed)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var key = Scalar(k, field);
            var path = field.Length == 0 ? key : $"{field}.{key}";
            if (!allowed.Contains(key))
                throw Error(k, path, $"unknown field; expected one of: {string.Join(", ", allowed)}");
            if (!result.TryAdd(key, v)) throw Error(k, path, "appears twice");
        }
        return result;
    }

    public string Scalar(YamlNode node, string field) =>
        node is YamlScalarNode { Value: { } v } ? v : throw Error(node, field, "expected a single value");

    public string String(YamlNode node, string field)
    {
        var s = Scalar(node, field);
        return s.Length == 0 ? throw Error(node, field, "expected a non-empty value") : s;
    }

    public double Number(YamlNode node, string field) =>
        double.TryParse(Scalar(node, field), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d : throw Error(node, field, $"expected a number, got '{Scalar(node, field)}'");

    public int Integer(YamlNode node, string field) =>
        int.TryParse(Scalar(node, field), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i : throw Error(node, field, $"expected an integer, got '{Scalar(node, field)}'");

    public bool Bool(YamlNode node, string field) => Scalar(node, field).ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        var s => throw Error(node, field, $"expected true or false, got '{s}'"),
    };

    public TEnum Enum<TEnum>(YamlNode node, string field) where TEnum : struct, System.Enum
    {
        var s = Scalar(node, field);
        var names = System.Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()).ToArray();
        return names.Contains(s.ToLowerInvariant()) && System.Enum.TryParse<TEnum>(s, ignoreCase: true, out var v)
            ? v : throw Error(node, field, $"expected one of {string.Join(", ", names)}, got '{s}'");
    }

    /// <summary>A list of strings; a single scalar counts as a one-item list.</summary>
    public IReadOnlyList<string> StringList(YamlNode node, string field) => node switch
    {
        YamlSequenceNode seq => seq.Children.Select((c, i) => String(c, $"{field}[{i}]")).ToArray(),
        YamlScalarNode => [String(node, field)],
        _ => throw Error(node, field, "expected a list of values"),
    };

    [GeneratedRegex(@"^(?<n>[0-9]+(\.[0-9]+)?)(?<unit>ms|s|m|h|d)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    /// <summary>A positive duration written as a number and a unit: ms, s, m, h or d (e.g. 30s, 6h, 7d).</summary>
    public TimeSpan Duration(YamlNode node, string field)
    {
        var text = String(node, field);
        var m = DurationPattern().Match(text);
        if (!m.Success) throw Error(node, field, $"expected a duration such as 30s, 10m, 6h or 7d, got '{text}'");
        var n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        var d = m.Groups["unit"].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n), "s" => TimeSpan.FromSeconds(n), "m" => TimeSpan.FromMinutes(n), "h" => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n),
        };
        return d > TimeSpan.Zero ? d : throw Error(node, field, $"expected a duration above zero, got '{text}'");
    }
}
