using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data;

/// <summary>
/// Reads JSON Lines: one object per line; columns are the union of keys in order of first appearance, a nested object's keys
/// named by their path (<c>{"user": {"age": 30}}</c> is the column <c>user.age</c>). The file is streamed twice, first to find
/// the columns and infer their types, then to convert.
/// </summary>
internal static class JsonlTableReader
{
    public static (Table Table, string Sha256) Read(string path, Encoding encoding, ColumnBuilder builder)
    {
        var names = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var inferences = new List<ColumnInference>();
        var rows = 0;
        var leaves = new List<(string Name, JsonElement Value)>();
        string sha;
        var (source, text) = TextSource.Open(path, encoding);
        using (source)
        using (text)
        {
            foreach (var (line, doc) in Objects(text, builder.FileName))
            {
                using (doc)
                {
                    foreach (var (name, value) in Leaves(doc.RootElement, leaves, builder.FileName, line))
                    {
                        if (!index.TryGetValue(name, out var c))
                        {
                            index[name] = c = names.Count;
                            names.Add(name);
                            inferences.Add(builder.Inference());
                        }
                        if (ToRaw(name, value, builder.FileName, line) is { } raw && !builder.IsMissing(raw)) inferences[c].Observe(raw, line);
                    }
                }
                rows = checked(rows + 1);
            }
            sha = source.Sha256();
        }
        builder.CheckOverrides(names);

        var fills = names.Select((name, c) => builder.Fill(name, inferences[c], rows)).ToArray();
        var (again, againText) = TextSource.Open(path, encoding, check: false);
        using (again)
        using (againText)
        {
            var row = 0;
            foreach (var (line, doc) in Objects(againText, builder.FileName))
            {
                using (doc)
                {
                    foreach (var (name, value) in Leaves(doc.RootElement, leaves, builder.FileName, line))
                    {
                        // Rows that lack a key stay missing.
                        if (ToRaw(name, value, builder.FileName, line) is { } raw) fills[index[name]].Set(row, raw, line);
                    }
                }
                row++;
            }
        }
        return (new Table(fills.Select(f => f.Build()).ToArray()), sha);
    }

    /// <summary>Each non-blank line's 1-based number and parsed object; the caller disposes the document.</summary>
    private static IEnumerable<(long Line, JsonDocument Doc)> Objects(TextReader text, string fileName)
    {
        long lineNo = 0;
        while (text.ReadLine() is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var doc = Parse(line, fileName, lineNo);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                var kind = doc.RootElement.ValueKind;
                doc.Dispose();
                throw new KeelInputException($"{fileName} line {lineNo}: expected a JSON object, got {Describe(kind)}.");
            }
            yield return (lineNo, doc);
        }
    }

    private static JsonDocument Parse(string line, string fileName, long lineNo)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new KeelInputException($"{fileName} line {lineNo}: invalid JSON ({e.Message}).", e);
        }
    }

    /// <summary>An object's values that are not objects, named by their key, or by the path of keys that reaches them through nested
    /// objects joined with '.' (<c>user.age</c>); an empty object has none.</summary>
    /// <param name="root">The line's object.</param>
    /// <param name="leaves">Filled with them (cleared first; reused from line to line).</param>
    /// <param name="fileName">The file, for messages.</param>
    /// <param name="number">The line (1-based), or with <paramref name="row"/> the row (0-based), for messages.</param>
    /// <param name="row">Whether <paramref name="number"/> is a 0-based row.</param>
    /// <exception cref="KeelInputException">Two keys of the line name one column (<c>"user.age"</c> beside <c>"user": {"age"}</c>).</exception>
    internal static List<(string Name, JsonElement Value)> Leaves(JsonElement root, List<(string Name, JsonElement Value)> leaves, string fileName, long number,
        bool row = false)
    {
        leaves.Clear();
        if (!Walk(root, null, leaves)) return leaves;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in leaves)
        {
            if (!names.Add(name))
                throw new KeelInputException($"{fileName} {(row ? $"row {number} (0-based)" : $"line {number}")}, key '{name}': given twice, as a key and as a path through nested objects; give one.");
        }
        return leaves;
    }

    /// <summary>Adds <paramref name="obj"/>'s leaves under <paramref name="prefix"/>; whether it held a nested object.</summary>
    private static bool Walk(JsonElement obj, string? prefix, List<(string Name, JsonElement Value)> leaves)
    {
        var nested = false;
        foreach (var p in obj.EnumerateObject())
        {
            var name = prefix is null ? p.Name : string.Concat(prefix, ".", p.Name);
            if (p.Value.ValueKind == JsonValueKind.Object)
            {
                nested = true;
                Walk(p.Value, name, leaves);
            }
            else leaves.Add((name, p.Value));
        }
        return nested;
    }

    private static string? ToRaw(string name, JsonElement value, string fileName, long lineNo) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        var kind => throw new KeelInputException(
            $"{fileName} line {lineNo}, key '{name}': expected a number, string, boolean, null or an object (whose keys become columns such as '{name}.KEY'), got {Describe(kind)}; arrays are not read."),
    };

    private static string Describe(JsonValueKind kind) => kind.ToString().ToLower(CultureInfo.InvariantCulture) switch
    {
        "object" => "an object",
        "array" => "an array",
        var k => k,
    };
}
