using System.Text.Json;
using Keel.Core.Data;
using Keel.Data.Binding;

namespace Keel.Serving.Requests;

/// <summary>Binds an Open Inference Protocol v2 infer body: one named input tensor per column, shape [rows] or [rows, 1].</summary>
internal static class OipRequest
{
    public static (Table Table, string? Id) Bind(JsonElement root, DataSchema schema, BindingOptions binding, int maxRows)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array)
            throw RequestException.Bad("expected a JSON object with \"inputs\": an array of {name, shape, datatype, data}, one per column.");
        string? id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        int? rows = null;
        var columns = new List<(string Name, JsonElement Data)>();
        var i = 0;
        foreach (var input in inputs.EnumerateArray())
        {
            if (input.ValueKind != JsonValueKind.Object || !input.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                throw RequestException.Bad($"inputs[{i}]: expected an object with a string \"name\" (the column).");
            if (!input.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                throw RequestException.Bad($"inputs[{i}] ('{name.GetString()}'): expected \"data\", an array of values.");
            var values = Flatten(data, name.GetString()!);
            var n = values.Count;
            if (rows is { } r0 && r0 != n)
                throw RequestException.Bad($"inputs[{i}] ('{name.GetString()}'): expected {r0} values like the inputs before it, got {n}.");
            rows = n;
            columns.Add((name.GetString()!, data));
            i++;
        }
        var builder = new SchemaBoundTableBuilder(schema, MlflowRequest.CheckRows(rows ?? 0, maxRows), binding);
        foreach (var (name, data) in columns)
        {
            var c = builder.ColumnIndex(name);
            if (c < 0) continue;
            var r = 0;
            foreach (var v in Flatten(data, name)) builder.SetJson(c, r++, v);
        }
        return (builder.Build(), id);
    }

    /// <summary>The values of a [rows] or [rows, 1] tensor given flat or nested one level.</summary>
    private static List<JsonElement> Flatten(JsonElement data, string name)
    {
        var list = new List<JsonElement>(data.GetArrayLength());
        foreach (var v in data.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Array)
            {
                list.Add(v);
                continue;
            }
            if (v.GetArrayLength() != 1)
                throw RequestException.Bad($"input '{name}': expected shape [rows] or [rows, 1]; one value per row, got a row of {v.GetArrayLength()}.");
            list.Add(v[0]);
        }
        return list;
    }
}
