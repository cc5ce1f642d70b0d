using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core;
using Parquet;
using Parquet.Schema;

namespace Keel.Data.Labels;

/// <summary>
/// Sets a label column of a data file in place, in the file's own format, leaving everything else as it was: a CSV keeps its
/// delimiter, encoding, byte-order mark, line ends and every other field's text (quotes included; a record whose label is
/// not set is copied as it was); a JSON Lines file keeps every line whose label is not set as it was, and a set label takes
/// the JSON type the column already has (numbers stay numbers); a Parquet file keeps its schema, row groups, types and
/// metadata. An absent column is added last (empty, or missing, where no label is set). The file is written beside the data
/// and renamed over it, so a failure leaves the data as it was. <see cref="CopyWithColumns"/> copies a JSON Lines or Parquet file
/// the same way with typed columns added.
/// </summary>
public static class LabelColumnWriter
{
    /// <summary>Sets <paramref name="column"/> of <paramref name="path"/> to <paramref name="labels"/> (0-based data row → label).</summary>
    /// <param name="path">The data file (CSV/TSV, JSON Lines or Parquet).</param>
    /// <param name="read">How the file is read: its format, encoding and delimiter.</param>
    /// <param name="column">The label column.</param>
    /// <param name="labels">The labels to set, by 0-based data row.</param>
    /// <exception cref="KeelInputException">The file cannot be read or written, or a label does not fit the column's type or the file's encoding.</exception>
    public static void Write(string path, ReadOptions read, string column, IReadOnlyDictionary<int, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Rewrite(path, read, path, (format, temp) =>
        {
            switch (format)
            {
                case "csv":
                    WriteCsv(path, temp, read, column, labels);
                    break;
                case "jsonl":
                    WriteJsonl(path, temp, read, column, labels);
                    break;
                default:
                    Task.Run(() => WriteParquetAsync(path, temp, column, labels)).GetAwaiter().GetResult();
                    break;
            }
        });
    }

    /// <summary>Copies <paramref name="path"/> to <paramref name="output"/> in its own format with <paramref name="columns"/> added last:
    /// a JSON Lines file keeps every line's fields and gains the columns' keys (numbers as JSON numbers, missing as null; blank
    /// lines copied); a Parquet file keeps its schema, row groups, types and metadata and gains nullable fields (double or
    /// string). Written beside <paramref name="output"/> and renamed over it, so a failure leaves no half file.</summary>
    /// <param name="path">The data file (JSON Lines or Parquet).</param>
    /// <param name="read">How the file is read: its format and encoding.</param>
    /// <param name="output">The copy.</param>
    /// <param name="columns">The columns to add, by 0-based data row; their names must not be the file's.</param>
    /// <exception cref="KeelInputException">The file cannot be read or written.</exception>
    public static void CopyWithColumns(string path, ReadOptions read, string output, IReadOnlyList<AddedColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Rewrite(path, read, output, (format, temp) =>
        {
            switch (format)
            {
                case "jsonl":
                    CopyJsonl(path, temp, TextEncodings.Resolve(read.Encoding), _ => true, (row, obj) =>
                    {
                        foreach (var c in columns) obj[c.Name] = c.Json(row);
                    });
                    break;
                case "parquet":
                    Task.Run(() => CopyParquetAsync(path, temp, null, columns)).GetAwaiter().GetResult();
                    break;
                default:
                    throw new ArgumentException($"{format} files are not copied with added columns.", nameof(path));
            }
        });
    }

    /// <summary>Writes <paramref name="output"/> whole (beside it, then renamed over it) from the data file <paramref name="path"/>,
    /// by <paramref name="write"/> given the file's format and the temporary path.</summary>
    private static void Rewrite(string path, ReadOptions read, string output, Action<string, string> write)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (!File.Exists(path)) throw new KeelInputException($"{path}: file not found.");
        var format = TableReader.ResolveFormat(path, read.Format);
        OutputFiles.WriteWhole(output, temp => write(format, temp), reason => $"{output}: cannot be written ({reason}).");
    }

    private static void WriteCsv(string path, string temp, ReadOptions read, string column, IReadOnlyDictionary<int, string> labels)
    {
        var encoding = TextEncodings.Resolve(read.Encoding);
        var delimiter = Delimiters.Choose(path, read.Delimiter, encoding);
        var name = Path.GetFileName(path);
        using var records = new CsvRecords(path, delimiter, encoding, check: true);
        if (!records.MoveNext()) throw new KeelInputException($"{name}: the file is empty; expected a header line.");
        var fields = records.Count;
        var index = Enumerable.Range(0, fields).FirstOrDefault(i => records.Field(i).SequenceEqual(column), -1);
        using var output = new TextOutput(path, temp, encoding);
        var cell = new StringBuilder();
        output.Line(index >= 0 ? records.Raw : string.Concat(records.Raw, delimiter.ToString(), TextFormats.QuoteField(column, delimiter)));
        for (var row = 0; records.MoveNext(); row++)
        {
            records.RequireCount(fields);
            if (!labels.TryGetValue(row, out var label))
            {
                output.Line(index >= 0 ? records.Raw : string.Concat(records.Raw, delimiter.ToString()));
                continue;
            }
            cell.Clear();
            for (var i = 0; i < fields; i++)
            {
                if (i > 0) cell.Append(delimiter);
                if (i == index) cell.Append(TextFormats.QuoteField(label, delimiter));
                else cell.Append(records.RawField(i));
            }
            if (index < 0) cell.Append(delimiter).Append(TextFormats.QuoteField(label, delimiter));
            output.Line(cell.ToString());
        }
    }

    private static void WriteJsonl(string path, string temp, ReadOptions read, string column, IReadOnlyDictionary<int, string> labels)
    {
        var encoding = TextEncodings.Resolve(read.Encoding);
        var kind = JsonKind(path, encoding, column);
        CopyJsonl(path, temp, encoding, labels.ContainsKey, (row, obj) =>
        {
            var label = labels[row];
            Owner(obj, column, out var key)[key] = kind switch
            {
                JsonValueKind.Number when JsonNumber(label) is { } number => number,
                JsonValueKind.True when label is "true" or "false" => JsonValue.Create(label == "true"),
                _ => JsonValue.Create(label),
            };
        });
    }

    /// <summary>The value of <paramref name="column"/> in a line's object as the reader names columns: its key, or the path of
    /// keys through nested objects (<c>meta.label</c> in <c>{"meta": {"label": ...}}</c>); null when absent.</summary>
    private static JsonElement? Find(JsonElement obj, string column)
    {
        if (obj.TryGetProperty(column, out var v)) return v;
        for (var dot = column.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = column.IndexOf('.', dot + 1))
        {
            if (obj.TryGetProperty(column[..dot], out var inner) && inner.ValueKind == JsonValueKind.Object && Find(inner, column[(dot + 1)..]) is { } found)
                return found;
        }
        return null;
    }

    /// <summary>The object that holds <paramref name="column"/> in a line, and its key there: the line itself when it has the key,
    /// else the nested object the first part of its path reaches (so a label column read as <c>meta.label</c> is set inside
    /// <c>meta</c>, and read back as the same column), else the line itself.</summary>
    private static JsonObject Owner(JsonObject obj, string column, out string key)
    {
        if (!obj.ContainsKey(column))
        {
            for (var dot = column.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = column.IndexOf('.', dot + 1))
            {
                if (obj[column[..dot]] is JsonObject inner) return Owner(inner, column[(dot + 1)..], out key);
            }
        }
        key = column;
        return obj;
    }

    /// <summary>Copies a JSON Lines file line by line in its encoding: blank lines and the lines of rows <paramref name="edits"/>
    /// does not name as they are, the others parsed, changed by <paramref name="edit"/> and written back.</summary>
    /// <param name="path">The data file.</param>
    /// <param name="temp">Where the copy is written.</param>
    /// <param name="encoding">The file's encoding (kept, with its byte-order mark and line ends).</param>
    /// <param name="edits">Whether a 0-based data row (blank lines are not rows) is changed.</param>
    /// <param name="edit">Changes a row's object.</param>
    private static void CopyJsonl(string path, string temp, Encoding encoding, Func<int, bool> edits, Action<int, JsonObject> edit)
    {
        var name = Path.GetFileName(path);
        var options = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using var output = new TextOutput(path, temp, encoding);
        var (source, text) = TextSource.Open(path, encoding, check: false);
        using (source)
        using (text)
        {
            var (row, lineNo) = (0, 0L);
            while (text.ReadLine() is { } line)
            {
                lineNo++;
                if (string.IsNullOrWhiteSpace(line) || !edits(row++))
                {
                    output.Line(line);
                    continue;
                }
                JsonObject obj;
                try
                {
                    obj = JsonNode.Parse(line) as JsonObject ?? throw new KeelInputException($"{name} line {lineNo}: expected a JSON object.");
                }
                catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
                {
                    throw new KeelInputException($"{name} line {lineNo}: cannot be rewritten ({e.Message}).", e);
                }
                edit(row - 1, obj);
                output.Line(obj.ToJsonString(options));
            }
        }
    }

    /// <summary>The label as a JSON number when it is written as one ("1", "0.5", "1e3"; not "+1", "NaN" or " 1"), else null.</summary>
    private static JsonNode? JsonNumber(string label)
    {
        try
        {
            return JsonNode.Parse(label) is JsonValue v && v.GetValueKind() == JsonValueKind.Number && label.Trim() == label ? v : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The JSON type of <paramref name="column"/>'s values in the file: Number or True (boolean) when every non-null
    /// value is one, else String.</summary>
    private static JsonValueKind JsonKind(string path, Encoding encoding, string column)
    {
        var kinds = new HashSet<JsonValueKind>();
        var leaf = column[(column.LastIndexOf('.') + 1)..];
        var (source, text) = TextSource.Open(path, encoding, check: true);
        using (source)
        using (text)
        {
            while (text.ReadLine() is { } line)
            {
                // A line that names the column names its last key (a nested path's too): a cheap test before parsing.
                if (string.IsNullOrWhiteSpace(line) || !line.Contains(leaf, StringComparison.Ordinal)) continue;
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && Find(doc.RootElement, column) is { ValueKind: not JsonValueKind.Null } v)
                        kinds.Add(v.ValueKind == JsonValueKind.False ? JsonValueKind.True : v.ValueKind);
                }
                catch (JsonException)
                {
                    // The reader has named such a line already; it is copied as it is.
                }
            }
        }
        return kinds.Count == 1 ? kinds.Single() : JsonValueKind.String;
    }

    private static Task WriteParquetAsync(string path, string temp, string column, IReadOnlyDictionary<int, string> labels) =>
        CopyParquetAsync(path, temp, (column, labels), [new AddedColumn(column, Text: r => labels.GetValueOrDefault(r))]);

    /// <summary>Copies a flat Parquet file group by group: every field as it is (text as plain strings), <paramref name="set"/>'s
    /// rows set in its column when the file has it, and <paramref name="added"/> columns the file lacks written after.</summary>
    private static async Task CopyParquetAsync(string path, string temp, (string Column, IReadOnlyDictionary<int, string> Labels)? set,
        IReadOnlyList<AddedColumn> added)
    {
        var name = Path.GetFileName(path);
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        await using var reader = await ParquetReader.CreateAsync(input, leaveStreamOpen: true);
        var read = ParquetTableReader.Flat(reader.Schema, name).ToList();
        var target = set is { } s ? read.FirstOrDefault(f => ParquetTableReader.ColumnName(f) == s.Column) : null;
        var written = ParquetColumnCopy.WrittenFields(read);
        var appended = added.Where(a => read.All(f => ParquetTableReader.ColumnName(f) != a.Name))
            .Select(a => (Column: a, Field: a.Number is null ? (DataField)new DataField<string>(a.Name, true) : new DataField<double>(a.Name, true))).ToArray();
        written.AddRange(appended.Select(a => a.Field));
        await using var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(written), output))
        {
            writer.CustomMetadata = reader.CustomMetadata;
            var first = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var n = checked((int)group.RowCount);
                using var to = writer.CreateRowGroup();
                for (var c = 0; c < read.Count; c++)
                    await ParquetColumnCopy.CopyAsync(group, to, read[c], written[c], n, read[c] == target ? Overrides(set!.Value.Labels, first, n, read[c], name) : null);
                foreach (var (column, field) in appended)
                {
                    if (column.Number is { } number)
                    {
                        var values = new double?[n];
                        for (var i = 0; i < n; i++) values[i] = number(first + i);
                        await to.WriteAsync<double>(field, values.AsMemory());
                    }
                    else
                    {
                        var values = new string?[n];
                        for (var i = 0; i < n; i++) values[i] = column.Text!(first + i);
                        await to.WriteAsync((DataField<string>)field, values);
                    }
                }
                first += n;
            }
        }
    }

    /// <summary>The labels of rows [first, first + n) as the group's row offsets, or null when none is set there.</summary>
    private static ParquetColumnCopy.Override? Overrides(IReadOnlyDictionary<int, string> labels, int first, int n, DataField field, string file)
    {
        var rows = labels.Where(kv => kv.Key >= first && kv.Key < first + n).ToArray();
        return rows.Length == 0 ? null : new ParquetColumnCopy.Override(rows.ToDictionary(kv => kv.Key - first, kv => kv.Value), field, file);
    }

    /// <summary>Lines written in the data file's encoding (no characters replaced), with its byte-order mark and line end.</summary>
    private sealed class TextOutput : IDisposable
    {
        private readonly FileStream _stream;
        private readonly Encoding _encoding;
        private readonly string _newline;
        private readonly string _fileName;

        public TextOutput(string source, string temp, Encoding encoding)
        {
            _fileName = Path.GetFileName(source);
            _encoding = (Encoding)encoding.Clone();
            _encoding.EncoderFallback = EncoderFallback.ExceptionFallback;
            var (preamble, crlf) = Look(source, encoding);
            _newline = crlf ? "\r\n" : "\n";
            _stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            if (preamble) _stream.Write(encoding.GetPreamble());
        }

        public void Line(ReadOnlySpan<char> text)
        {
            try
            {
                _stream.Write(_encoding.GetBytes(string.Concat(text, _newline)));
            }
            catch (EncoderFallbackException e)
            {
                throw new KeelInputException(
                    $"{_fileName}: '{e.CharUnknown}' cannot be written in the file's encoding ({_encoding.WebName}); use a label it can hold.", e);
            }
        }

        /// <summary>Whether the file starts with its encoding's byte-order mark, and whether its first line ends with CR LF.</summary>
        private static (bool Preamble, bool Crlf) Look(string path, Encoding encoding)
        {
            var head = new byte[1 << 16];
            int n;
            using (var f = File.OpenRead(path)) n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            var preamble = encoding.GetPreamble();
            var has = preamble.Length > 0 && head.AsSpan(0, n).StartsWith(preamble);
            var text = encoding.GetString(head, has ? preamble.Length : 0, n - (has ? preamble.Length : 0));
            var end = text.IndexOf('\n', StringComparison.Ordinal);
            return (has, end > 0 && text[end - 1] == '\r');
        }

        public void Dispose() => _stream.Dispose();
    }
}

/// <summary>A column added to a copy of a data file (<see cref="LabelColumnWriter.CopyWithColumns"/>): per 0-based data row a number
/// or a text, null where missing. Give exactly one of <paramref name="Number"/> and <paramref name="Text"/>.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Number">A row's number (a nullable double column).</param>
/// <param name="Text">A row's text (a nullable string column).</param>
public sealed record AddedColumn(string Name, Func<int, double?>? Number = null, Func<int, string?>? Text = null)
{
    /// <summary>A row's value as a JSON node: a number, a string, or null.</summary>
    internal JsonNode? Json(int row) => Number is { } number
        ? number(row) is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null
        : Text!(row) is { } t ? JsonValue.Create(t) : null;
}
