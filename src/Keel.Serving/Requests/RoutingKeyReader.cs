using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;

namespace Keel.Serving.Requests;

/// <summary>
/// Reads a deployment's sticky routing key from an input field of the request body (<c>routing_key: {field: customer_id}</c>): the first
/// row's value, in any request shape the server accepts. The field need not be a model input. A request without it has no key.
/// </summary>
internal static class RoutingKeyReader
{
    /// <summary>The first row's value of <paramref name="field"/> as text (numbers as written, booleans as true/false), or null when absent or null.</summary>
    public static string? Read(byte[] body, bool csv, string endpoint, string field)
    {
        if (csv) return ReadCsv(body, field);
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            return endpoint == "v2" ? ReadOip(root, field) : ReadMlflow(root, field);
        }
        catch (JsonException)
        {
            // The binder reports the malformed body with its position; routing just has no key.
            return null;
        }
    }

    private static string? ReadMlflow(JsonElement root, string field)
    {
        if (root.TryGetProperty("dataframe_split", out var split) && split.ValueKind == JsonValueKind.Object)
        {
            if (!split.TryGetProperty("columns", out var columns) || columns.ValueKind != JsonValueKind.Array
                || !split.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0) return null;
            var i = 0;
            foreach (var c in columns.EnumerateArray())
            {
                if (c.ValueKind == JsonValueKind.String && c.GetString() == field)
                    return data[0] is { ValueKind: JsonValueKind.Array } row && row.GetArrayLength() > i ? Text(row[i]) : null;
                i++;
            }
            return null;
        }
        foreach (var name in new[] { "dataframe_records", "instances", "inputs" })
        {
            if (!root.TryGetProperty(name, out var rows)) continue;
            if (rows.ValueKind == JsonValueKind.Array)
                return rows.GetArrayLength() > 0 && rows[0].ValueKind == JsonValueKind.Object && rows[0].TryGetProperty(field, out var v) ? Text(v) : null;
            if (rows.ValueKind == JsonValueKind.Object && rows.TryGetProperty(field, out var column))
                return column.ValueKind == JsonValueKind.Array ? column.GetArrayLength() > 0 ? Text(column[0]) : null : Text(column);
            return null;
        }
        return null;
    }

    private static string? ReadOip(JsonElement root, string field)
    {
        if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array) return null;
        foreach (var input in inputs.EnumerateArray())
        {
            if (input.ValueKind != JsonValueKind.Object || !input.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || n.GetString() != field) continue;
            if (!input.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0) return null;
            var first = data[0];
            return first.ValueKind == JsonValueKind.Array ? first.GetArrayLength() > 0 ? Text(first[0]) : null : Text(first);
        }
        return null;
    }

    private static string? ReadCsv(byte[] body, string field)
    {
        try
        {
            var text = Encoding.UTF8.GetString(body);
            var delimiter = text.AsSpan(0, text.IndexOf('\n') is var nl and >= 0 ? nl : text.Length).Contains('\t') ? '\t' : ',';
            using var reader = Sep.New(delimiter).Reader(o => o with { HasHeader = false, DisableColCountCheck = true, Unescape = true }).FromText(text);
            var column = -1;
            foreach (var row in reader)
            {
                if (row.ColCount == 1 && row.Span.IsEmpty) continue;
                if (column < 0)
                {
                    for (var i = 0; i < row.ColCount && column < 0; i++)
                    {
                        if (row[i].Span.SequenceEqual(field)) column = i;
                    }
                    if (column < 0) return null;
                    continue;
                }
                return column < row.ColCount && row[column].ToString() is { Length: > 0 } v ? v : null;
            }
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
