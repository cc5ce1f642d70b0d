using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;
using Parquet;
using Parquet.Schema;

namespace Keel.Data.Binding;

/// <summary>How <see cref="ChunkedTableReader"/> reads a file.</summary>
public sealed record ChunkReadOptions
{
    /// <summary>"csv", "jsonl" or "parquet". Default null: by extension, as <see cref="TableReader"/> does.</summary>
    public string? Format { get; init; }

    /// <summary>Rows per chunk (CSV and JSON Lines; Parquet chunks are its row groups). Default 50,000.</summary>
    public int ChunkRows { get; init; } = 50_000;

    /// <summary>Raw values read as missing (the model's tokens). Default: "", NA, N/A, null, NULL, NaN.</summary>
    public IReadOnlyList<string> MissingTokens { get; init; } = BindingOptions.DefaultMissingTokens;

    /// <summary>How CSV and JSON Lines text is read: its <see cref="ReadOptions.Encoding"/>, <see cref="ReadOptions.Delimiter"/> and
    /// <see cref="ReadOptions.Decimal"/> (types come from the schema, missing tokens from <see cref="MissingTokens"/>). Default: UTF-8,
    /// checked strictly; the delimiter detected; a decimal comma in a semicolon-delimited file.</summary>
    public ReadOptions Text { get; init; } = new();

    /// <inheritdoc cref="BindingOptions.Requested"/>
    public IReadOnlyCollection<string> Requested { get; init; } = [];
}

/// <summary>One chunk of a file bound to a schema: its rows and the 0-based index of its first row in the file.</summary>
public sealed record BoundChunk(Table Table, long FirstRow);

/// <summary>
/// Reads CSV, JSON Lines or Parquet in chunks bound to a model's input schema (types from the schema, never inferred), so files
/// larger than memory are predicted chunk by chunk. The same binding rules as prediction requests apply.
/// </summary>
public static class ChunkedTableReader
{
    /// <summary>The chunks of <paramref name="path"/>, lazily: each is read when the caller asks for it.</summary>
    /// <exception cref="KeelInputException">Unreadable file, missing schema columns, or a value not of its column's type (naming row and column).</exception>
    public static IEnumerable<BoundChunk> Read(string path, DataSchema schema, ChunkReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChunkRows < 1) throw new KeelInputException($"chunk rows {options.ChunkRows}: expected at least 1.");
        if (!File.Exists(path)) throw new KeelInputException($"{path}: file not found.");
        return TableReader.ResolveFormat(path, options.Format) switch
        {
            "csv" => Csv(path, schema, options),
            "jsonl" => Jsonl(path, schema, options),
            _ => Parquet(path, schema, options),
        };
    }

    private static IEnumerable<BoundChunk> Csv(string path, DataSchema schema, ChunkReadOptions options)
    {
        var chunkRows = options.ChunkRows;
        var name = Path.GetFileName(path);
        var encoding = TextEncodings.Resolve(options.Text.Encoding);
        var delimiter = Delimiters.Choose(path, options.Text.Delimiter, encoding);
        var decimalComma = DecimalMarks.Comma(options.Text.Decimal, delimiter);
        // Checked as training reads it: a byte that is not UTF-8 stops the read naming its line, never a silent replacement
        // character that would turn a known category into an unseen one.
        using var records = new CsvRecords(path, delimiter, encoding, check: true);
        if (!records.MoveNext()) throw new KeelInputException($"{name}: the file is empty; it has no header row.");
        var header = new string[records.Count];
        for (var i = 0; i < header.Length; i++) header[i] = records.Field(i).ToString();
        var buffer = new List<string?[]>(Math.Min(chunkRows, 1 << 16));
        long first = 0;
        var more = true;
        while (more)
        {
            buffer.Clear();
            while (buffer.Count < chunkRows && (more = records.MoveNext()))
            {
                records.RequireCount(header.Length);
                var fields = new string?[header.Length];
                for (var c = 0; c < fields.Length; c++) fields[c] = records.Field(c, header[c]).ToString();
                buffer.Add(fields);
            }
            if (buffer.Count == 0 && first > 0) yield break;
            var b = new SchemaBoundTableBuilder(schema, buffer.Count, new BindingOptions
            {
                Source = name, FirstRow = first, MissingTokens = options.MissingTokens, DecimalComma = decimalComma,
                MissingColumnAdvice = "add each to the file as a column (an empty value is read as missing)", Requested = options.Requested,
            });
            var slots = header.Select(b.ColumnIndex).ToArray();
            foreach (var s in slots.Where(s => s >= 0)) b.MarkPresent(s);
            for (var r = 0; r < buffer.Count; r++)
            {
                for (var c = 0; c < slots.Length; c++)
                {
                    if (slots[c] >= 0) b.SetRaw(slots[c], r, buffer[r][c]);
                }
            }
            yield return new BoundChunk(b.Build(), first);
            first += buffer.Count;
        }
    }

    private static IEnumerable<BoundChunk> Jsonl(string path, DataSchema schema, ChunkReadOptions options)
    {
        var chunkRows = options.ChunkRows;
        var name = Path.GetFileName(path);
        var (source, text) = TextSource.Open(path, TextEncodings.Resolve(options.Text.Encoding), check: true);
        var decimalComma = DecimalMarks.Comma(options.Text.Decimal, '\0');
        using (source)
        using (text)
        {
            long first = 0;
            long lineNo = 0;
            var lines = new List<string>(Math.Min(chunkRows, 1 << 16));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var done = false;
            while (!done)
            {
                lines.Clear();
                while (lines.Count < chunkRows)
                {
                    if (text.ReadLine() is not { } line)
                    {
                        done = true;
                        break;
                    }
                    lineNo++;
                    if (!string.IsNullOrWhiteSpace(line)) lines.Add(line);
                }
                if (lines.Count == 0 && first > 0) yield break;
                var leaves = new List<(string Name, JsonElement Value)>();
                var b = new SchemaBoundTableBuilder(schema, lines.Count, new BindingOptions
                {
                    Source = name, FirstRow = first, MissingTokens = options.MissingTokens, DecimalComma = decimalComma,
                    MissingColumnAdvice = "give each line its key (null for a missing value)", Requested = options.Requested,
                });
                for (var r = 0; r < lines.Count; r++)
                {
                    using var doc = Parse(lines[r], name, first + r);
                    foreach (var (key, value) in JsonlTableReader.Leaves(doc.RootElement, leaves, name, first + r, row: true))
                    {
                        var c = b.ColumnIndex(key);
                        if (c < 0) continue;
                        b.SetJson(c, r, value);
                    }
                }
                // A column named by any earlier row counts as present (rows may omit keys for missing values).
                for (var c = 0; c < schema.Columns.Count; c++)
                {
                    if (seen.Contains(schema.Columns[c].Name)) b.MarkPresent(c);
                }
                var table = b.Build();
                foreach (var c in schema.Columns) seen.Add(c.Name);
                yield return new BoundChunk(table, first);
                first += lines.Count;
            }
        }
    }

    private static JsonDocument Parse(string line, string name, long row)
    {
        try
        {
            var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc;
            doc.Dispose();
            throw new KeelInputException($"{name} row {row} (0-based): expected a JSON object per line.");
        }
        catch (JsonException e)
        {
            throw new KeelInputException($"{name} row {row} (0-based): invalid JSON ({e.Message}).", e);
        }
    }

    private static IEnumerable<BoundChunk> Parquet(string path, DataSchema schema, ChunkReadOptions options)
    {
        var name = Path.GetFileName(path);
        using var stream = File.OpenRead(path);
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(stream, leaveStreamOpen: true).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new KeelInputException($"{name}: not a readable Parquet file ({e.Message}).", e);
        }
        try
        {
            // Repeated columns (lists, maps) are passed over: a model input is never one. A struct's fields are dotted columns.
            var fields = reader.Schema.GetDataFields().Where(f => f.MaxRepetitionLevel == 0).ToArray();
            long first = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var table = Task.Run(() => ReadGroupAsync(reader, g, fields, schema, name, first, options)).GetAwaiter().GetResult();
                yield return new BoundChunk(table, first);
                first += table.RowCount;
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static async Task<Table> ReadGroupAsync(ParquetReader reader, int g, DataField[] fields, DataSchema schema, string name, long first,
        ChunkReadOptions options)
    {
        using var group = reader.OpenRowGroupReader(g);
        var n = checked((int)group.RowCount);
        var b = new SchemaBoundTableBuilder(schema, n, new BindingOptions
        {
            Source = name, FirstRow = first, MissingTokens = options.MissingTokens, MissingColumnAdvice = "add each to the file as a column (nulls are read as missing)",
            Requested = options.Requested,
        });
        foreach (var f in fields)
        {
            var c = b.ColumnIndex(ParquetTableReader.ColumnName(f));
            if (c < 0) continue;
            b.MarkPresent(c);
            if (ParquetTableReader.IsString(f))
            {
                var values = new string?[n];
                if (f.ClrType == typeof(string)) await group.ReadAsync(f, values.AsMemory());
                else
                {
                    var mem = new ReadOnlyMemory<char>?[n];
                    await ParquetTableReader.ReadValues(group, f, mem, n);
                    for (var i = 0; i < n; i++) values[i] = mem[i]?.ToString();
                }
                for (var r = 0; r < n; r++) b.SetRaw(c, r, values[r]);
                continue;
            }
            var numbers = new double[n];
            try
            {
                await ParquetTableReader.ReadNumeric(group, f, numbers);
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException or InvalidCastException)
            {
                throw new KeelInputException($"{name}, column '{f.Name}': unsupported Parquet type ({f.ClrType.Name}); expected a number, boolean, date/time or string column.", e);
            }
            for (var r = 0; r < n; r++) b.SetNumber(c, r, numbers[r]);
        }
        return b.Build();
    }
}
