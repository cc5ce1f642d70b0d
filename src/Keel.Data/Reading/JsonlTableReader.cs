using System.Globalization;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data;

/// <summary>Reads JSON Lines: one flat object per line; columns are the union of keys in order of first appearance.</summary>
internal static class JsonlTableReader
{
    public static Table Read(byte[] bytes, ColumnBuilder builder)
    {
        var text = CsvTableReader.Decode(bytes);
        var columns = new List<(string Name, List<string?> Values)>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = new List<int>();
        var lineNo = 0;
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var row = lines.Count;
            lines.Add(lineNo);
            using var doc = Parse(line, builder.FileName, lineNo);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new KeelInputException($"{builder.FileName} line {lineNo}: expected a JSON object, got {Describe(doc.RootElement.ValueKind)}.");
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!index.TryGetValue(p.Name, out var c))
                {
                    c = columns.Count;
                    index[p.Name] = c;
                    columns.Add((p.Name, new List<string?>()));
                }
                var values = columns[c].Values;
                // Rows before the key first appeared, or that lacked it, are missing.
                while (values.Count < row) values.Add(null);
                if (values.Count == row) values.Add(ToRaw(p, builder.FileName, lineNo));
                else values[row] = ToRaw(p, builder.FileName, lineNo);
            }
        }
        foreach (var (_, values) in columns)
        {
            while (values.Count < lines.Count) values.Add(null);
        }
        builder.CheckOverrides(columns.Select(c => c.Name).ToArray());
        builder.RowLines = lines.ToArray();
        return new Table(columns.Select(c => builder.FromRaw(c.Name, c.Values.ToArray())).ToArray());
    }

    private static JsonDocument Parse(string line, string fileName, int lineNo)
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

    private static string? ToRaw(JsonProperty p, string fileName, int lineNo) => p.Value.ValueKind switch
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
