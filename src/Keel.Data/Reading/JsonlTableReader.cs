using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data;

/// <summary>
/// Reads JSON Lines: one flat object per line; columns are the union of keys in order of first appearance. The file is
/// streamed twice, first to find the columns and infer their types, then to convert.
/// </summary>
internal static class JsonlTableReader
{
    public static (Table Table, string Sha256) Read(string path, Encoding encoding, ColumnBuilder builder)
    {
        var names = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var inferences = new List<ColumnInference>();
        var rows = 0;
        string sha;
        var (source, text) = TextSource.Open(path, encoding);
        using (source)
        using (text)
        {
            foreach (var (line, doc) in Objects(text, builder.FileName))
            {
                using (doc)
                {
                    foreach (var p in doc.RootElement.EnumerateObject())
                    {
                        if (!index.TryGetValue(p.Name, out var c))
                        {
                            index[p.Name] = c = names.Count;
                            names.Add(p.Name);
                            inferences.Add(builder.Inference());
                        }
                        if (ToRaw(p, builder.FileName, line) is { } raw && !builder.IsMissing(raw)) inferences[c].Observe(raw, line);
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
                    foreach (var p in doc.RootElement.EnumerateObject())
                    {
                        // Rows that lack a key stay missing.
                        if (ToRaw(p, builder.FileName, line) is { } raw) fills[index[p.Name]].Set(row, raw, line);
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

    private static string? ToRaw(JsonProperty p, string fileName, long lineNo) => p.Value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => p.Value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => p.Value.GetRawText(),
        var kind => throw new KeelInputException(
            $"{fileName} line {lineNo}, key '{p.Name}': expected a number, string, boolean or null, got {Describe(kind)} (nested values are not supported)."),
    };

    private static string Describe(JsonValueKind kind) => kind.ToString().ToLower(CultureInfo.InvariantCulture) switch
    {
        "object" => "an object",
        "array" => "an array",
        var k => k,
    };
}
