using System.Text;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Data.Binding;
using nietras.SeparatedValues;

namespace Keel.Serving.Requests;

/// <summary>
/// Binds MLflow scoring bodies to the model's schema: dataframe_split, dataframe_records, instances and inputs (records or
/// columns) as JSON, or text/csv with a header row. Types come from the schema; unknown columns are ignored.
/// </summary>
internal static class MlflowRequest
{
    private static readonly string[] Keys = ["dataframe_split", "dataframe_records", "instances", "inputs"];

    public static Table BindJson(JsonElement root, DataSchema schema, BindingOptions binding, int maxRows)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw RequestException.Bad($"expected a JSON object with one of {string.Join(", ", Keys)}; got {Kind(root.ValueKind)}.");
        // A loop, not a query: this runs for every request.
        var key = "";
        var body = default(JsonElement);
        var found = 0;
        foreach (var k in Keys)
        {
            if (!root.TryGetProperty(k, out var value) || found++ > 0) continue;
            key = k;
            body = value;
        }
        if (found != 1)
            throw RequestException.Bad(found == 0
                ? $"expected one of the keys {string.Join(", ", Keys)} in the JSON object."
                : $"expected exactly one of the keys {string.Join(", ", Keys)}; got {string.Join(" and ", Keys.Where(k => root.TryGetProperty(k, out _)))}.");
        return key switch
        {
            "dataframe_split" => Split(body, schema, binding, maxRows),
            "dataframe_records" => body.ValueKind == JsonValueKind.Array ? Records(body, schema, binding, maxRows, key)
                : throw RequestException.Bad($"dataframe_records: expected an array of objects (one per row), got {Kind(body.ValueKind)}."),
            _ => body.ValueKind switch
            {
                JsonValueKind.Array => Records(body, schema, binding, maxRows, key),
                JsonValueKind.Object => ColumnsObject(body, schema, binding, maxRows, key),
                _ => throw RequestException.Bad($"{key}: expected an array of objects (rows) or an object of arrays (columns), got {Kind(body.ValueKind)}."),
            },
        };
    }

    private static Table Split(JsonElement split, DataSchema schema, BindingOptions binding, int maxRows)
    {
        if (split.ValueKind != JsonValueKind.Object)
            throw RequestException.Bad($"dataframe_split: expected an object with columns and data, got {Kind(split.ValueKind)}.");
        if (!split.TryGetProperty("columns", out var columns) || columns.ValueKind != JsonValueKind.Array)
            throw RequestException.Bad("dataframe_split.columns: expected an array of column names.");
        if (!split.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            throw RequestException.Bad("dataframe_split.data: expected an array of rows (arrays of values).");
        var rows = CheckRows(data.GetArrayLength(), maxRows);
        var builder = new SchemaBoundTableBuilder(schema, rows, binding);
        var slots = new int[columns.GetArrayLength()];
        var i = 0;
        foreach (var c in columns.EnumerateArray())
        {
            if (c.ValueKind != JsonValueKind.String)
                throw RequestException.Bad($"dataframe_split.columns[{i}]: expected a column name (string), got {Kind(c.ValueKind)}.");
            var name = c.GetString()!;
            slots[i] = builder.ColumnIndex(name);
            // A model column named twice is already present; other names are compared with the ones before (no set per request).
            if (slots[i] >= 0 ? builder.IsPresent(slots[i]) : NamedBefore(columns, i, name))
                throw RequestException.Bad($"dataframe_split.columns: column '{name}' appears twice.");
            if (slots[i] >= 0) builder.MarkPresent(slots[i]);
            i++;
        }
        var r = 0;
        foreach (var row in data.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != slots.Length)
                throw RequestException.Bad(row.ValueKind != JsonValueKind.Array
                    ? $"dataframe_split.data[{r}]: expected an array of {slots.Length} values, got {Kind(row.ValueKind)}."
                    : $"dataframe_split.data[{r}]: expected {slots.Length} values (one per column), got {row.GetArrayLength()}.");
            var c = 0;
            foreach (var v in row.EnumerateArray())
            {
                if (slots[c] >= 0) builder.SetJson(slots[c], r, v);
                c++;
            }
            r++;
        }
        return builder.Build();
    }

    private static bool NamedBefore(JsonElement columns, int i, string name)
    {
        var k = 0;
        foreach (var c in columns.EnumerateArray())
        {
            if (k++ == i) return false;
            if (c.ValueEquals(name)) return true;
        }
        return false;
    }

    private static Table Records(JsonElement records, DataSchema schema, BindingOptions binding, int maxRows, string key)
    {
        var rows = CheckRows(records.GetArrayLength(), maxRows);
        var builder = new SchemaBoundTableBuilder(schema, rows, binding);
        var r = 0;
        foreach (var record in records.EnumerateArray())
        {
            if (record.ValueKind != JsonValueKind.Object)
                throw RequestException.Bad($"{key}[{r}]: expected an object of column name to value, got {Kind(record.ValueKind)}; columns are matched by name.");
            foreach (var p in record.EnumerateObject()) Bind(builder, r, p.Name, p.Value);
            r++;
        }
        return builder.Build();
    }

    /// <summary>Sets a record's value in its column; a nested object's values go to the columns named by their path
    /// (<c>{"user": {"age": 30}}</c> is <c>user.age</c>), as JSON Lines files are read.</summary>
    private static void Bind(SchemaBoundTableBuilder builder, int row, string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in value.EnumerateObject()) Bind(builder, row, string.Concat(name, ".", p.Name), p.Value);
            return;
        }
        var c = builder.ColumnIndex(name);
        if (c >= 0) builder.SetJson(c, row, value);
    }

    private static Table ColumnsObject(JsonElement columns, DataSchema schema, BindingOptions binding, int maxRows, string key)
    {
        int? rows = null;
        foreach (var p in columns.EnumerateObject())
        {
            var n = p.Value.ValueKind == JsonValueKind.Array ? p.Value.GetArrayLength() : 1;
            if (rows is { } r0 && r0 != n)
                throw RequestException.Bad($"{key}.{p.Name}: expected {r0} values like the columns before it, got {n}.");
            rows = n;
        }
        var builder = new SchemaBoundTableBuilder(schema, CheckRows(rows ?? 0, maxRows), binding);
        foreach (var p in columns.EnumerateObject())
        {
            var c = builder.ColumnIndex(p.Name);
            if (c < 0) continue;
            if (p.Value.ValueKind != JsonValueKind.Array)
            {
                builder.SetJson(c, 0, p.Value);
                continue;
            }
            var r = 0;
            foreach (var v in p.Value.EnumerateArray()) builder.SetJson(c, r++, v);
        }
        return builder.Build();
    }

    /// <summary>Binds a text/csv body: a header row naming the columns, then one record per row.</summary>
    public static Table BindCsv(ReadOnlyMemory<byte> body, DataSchema schema, BindingOptions binding, int maxRows)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(body.Span);
        }
        catch (DecoderFallbackException)
        {
            throw RequestException.Bad("text/csv body: expected UTF-8 text.");
        }
        if (string.IsNullOrWhiteSpace(text)) throw RequestException.Bad("text/csv body is empty; expected a header row and data rows.");
        // The delimiter and decimal mark as a file's: chosen from the header line (comma, semicolon, tab or pipe), and a
        // semicolon-delimited body may write 39,1.
        var delimiter = Keel.Data.TextFormats.DetectDelimiter(text.AsSpan(0, text.IndexOf('\n') is var nl and >= 0 ? nl : text.Length));
        if (Keel.Data.TextFormats.DecimalCommaFor(delimiter)) binding = binding with { DecimalComma = true };
        var records = new List<string[]>();
        string[] header;
        try
        {
            using var reader = Sep.New(delimiter).Reader(o => o with { HasHeader = false, DisableColCountCheck = true, Unescape = true }).FromText(text);
            header = [];
            var first = true;
            foreach (var row in reader)
            {
                if (row.ColCount == 1 && row.Span.IsEmpty) continue;
                var fields = new string[row.ColCount];
                for (var i = 0; i < fields.Length; i++) fields[i] = row[i].ToString();
                if (first)
                {
                    header = fields;
                    first = false;
                    continue;
                }
                if (fields.Length != header.Length)
                    throw RequestException.Bad($"text/csv line {row.LineNumberFrom}: expected {header.Length} fields (as in the header), got {fields.Length}.");
                records.Add(fields);
                if (records.Count > maxRows) CheckRows(records.Count, maxRows);
            }
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw RequestException.Bad($"text/csv body cannot be read: {e.Message}");
        }
        var builder = new SchemaBoundTableBuilder(schema, CheckRows(records.Count, maxRows), binding);
        var slots = header.Select(builder.ColumnIndex).ToArray();
        foreach (var s in slots.Where(s => s >= 0)) builder.MarkPresent(s);
        for (var r = 0; r < records.Count; r++)
        {
            for (var c = 0; c < slots.Length; c++)
            {
                if (slots[c] >= 0) builder.SetRaw(slots[c], r, records[r][c]);
            }
        }
        return builder.Build();
    }

    public static int CheckRows(int rows, int maxRows)
    {
        if (rows == 0) throw RequestException.Bad("the request holds no rows; send at least one.");
        if (rows > maxRows) throw new RequestException(413, "TOO_MANY_ROWS", $"the request holds {rows} rows; at most {maxRows} are accepted per request (`keel predict` handles files).");
        return rows;
    }

    public static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
