using System.Buffers;
using System.Security.Cryptography;
using Keel.Core;
using Keel.Core.Data;
using Parquet;
using Parquet.Schema;

namespace Keel.Data;

/// <summary>
/// Reads the row groups of a Parquet file one at a time from a file stream: numeric, boolean, date/time and string columns, and
/// those inside struct (group) columns as dotted columns (<c>address.city</c>), as nested JSON Lines objects are read. Memory holds
/// the typed columns and one row group's values, never the file; strings are interned as they arrive.
/// </summary>
internal static class ParquetTableReader
{
    public static (Table Table, string Sha256) Read(string path, ColumnBuilder builder, int maxRowGroups) =>
        // The pipeline is synchronous and Parquet.Net is asynchronous: run it on the thread pool so that no caller's
        // synchronisation context is captured, then wait.
        Task.Run(() => ReadAsync(path, builder, maxRowGroups)).GetAwaiter().GetResult();

    private static async Task<(Table, string)> ReadAsync(string path, ColumnBuilder builder, int maxRowGroups)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
        stream.Position = 0;
        var reader = await OpenAsync(stream, builder.FileName);
        await using (reader)
        {
            var fields = Flat(reader.Schema, builder.FileName);
            builder.CheckOverrides(fields.Select(ColumnName).ToArray());
            var groups = Math.Min(reader.RowGroupCount, maxRowGroups);
            var rowCount = reader.RowGroups.Take(groups).Sum(g => g.RowCount);
            if (rowCount > Array.MaxLength)
                throw new KeelInputException($"{builder.FileName}: {rowCount:N0} rows; at most {Array.MaxLength:N0} can be read.");
            var rows = (int)rowCount;
            var numeric = fields.Select(f => IsString(f) ? null : new double[rows]).ToArray();
            var strings = fields.Select(f => IsString(f) ? new string?[rows] : null).ToArray();
            var inferences = fields.Select(_ => builder.Inference()).ToArray();
            var pools = fields.Select(_ => new StringPool()).ToArray();
            var offset = 0;
            for (var g = 0; g < groups; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var n = checked((int)group.RowCount);
                for (var c = 0; c < fields.Length; c++)
                {
                    if (strings[c] is { } s) await ReadStrings(group, fields[c], s.AsMemory(offset, n), offset, builder, inferences[c], pools[c]);
                    else await ReadNumeric(group, fields[c], numeric[c]!.AsMemory(offset, n));
                }
                offset += n;
            }
            var columns = new Column[fields.Length];
            for (var c = 0; c < fields.Length; c++)
            {
                columns[c] = strings[c] is { } s
                    ? builder.FromStrings(ColumnName(fields[c]), s, inferences[c], pools[c].Count)
                    : builder.Retype(new NumericColumn(ColumnName(fields[c]), numeric[c]!, NativeType(fields[c])));
            }
            return (new Table(columns), sha);
        }
    }

    /// <summary>A reader of the Parquet file in <paramref name="stream"/> (left open); a file Parquet.Net cannot read is an input error
    /// naming <paramref name="fileName"/>.</summary>
    internal static async Task<ParquetReader> OpenAsync(Stream stream, string fileName)
    {
        try
        {
            return await ParquetReader.CreateAsync(stream, leaveStreamOpen: true);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new KeelInputException($"{fileName}: not a readable Parquet file ({e.Message}).", e);
        }
    }

    /// <summary>Reads one row group's strings, clearing missing tokens, interning the rest and observing them for inference.</summary>
    private static async Task ReadStrings(ParquetRowGroupReader g, DataField f, Memory<string?> into, int firstRow,
        ColumnBuilder builder, ColumnInference inference, StringPool pool)
    {
        if (f.ClrType == typeof(ReadOnlyMemory<char>))
        {
            // Slices of one decoded buffer: pooling from the slice allocates only the first copy of each distinct value.
            var buffer = ArrayPool<ReadOnlyMemory<char>?>.Shared.Rent(into.Length);
            try
            {
                await ReadValues(g, f, buffer, into.Length);
                for (var i = 0; i < into.Length; i++)
                {
                    if (buffer[i] is { } m) into.Span[i] = Keep(m.Span, firstRow + i, builder, inference, pool);
                }
            }
            finally
            {
                ArrayPool<ReadOnlyMemory<char>?>.Shared.Return(buffer, clearArray: true);
            }
            return;
        }
        await g.ReadAsync(f, into);
        for (var i = 0; i < into.Length; i++)
        {
            if (into.Span[i] is { } s) into.Span[i] = Keep(s, firstRow + i, builder, inference, pool);
        }
    }

    private static string? Keep(ReadOnlySpan<char> value, int row, ColumnBuilder builder, ColumnInference inference, StringPool pool)
    {
        if (builder.IsMissing(value)) return null;
        inference.Observe(value, row);
        return pool.Get(value);
    }

    /// <summary>The file's columns, the fields of struct columns among them (named by <see cref="ColumnName"/>); a repeated (list or
    /// map), binary or other unsupported column is an input error naming it.</summary>
    internal static DataField[] Flat(ParquetSchema schema, string fileName)
    {
        var result = new List<DataField>();
        void Add(IEnumerable<Field> fields, string prefix)
        {
            foreach (var f in fields)
            {
                if (f is StructField s)
                {
                    Add(s.Fields, prefix + f.Name + ".");
                    continue;
                }
                if (f is not DataField d || d.IsArray || (!IsString(d) && !IsSupportedValue(d.ClrType)))
                    throw new KeelInputException(
                        $"{fileName}, column '{prefix}{f.Name}': unsupported Parquet type ({Describe(f)}); expected a number, boolean, date/time or string column, or a struct of them.");
                result.Add(d);
            }
        }
        Add(schema.Fields, "");
        return result.ToArray();
    }

    /// <summary>A column's name: its path through struct columns joined by dots (<c>address.city</c>), its own name at the top level.</summary>
    internal static string ColumnName(DataField f) => f.Path.Length <= 1 ? f.Name : string.Join('.', f.Path.ToList());

    private static string Describe(Field f) => f switch
    {
        DataField { IsArray: true } => "array",
        DataField d when d.ClrType == typeof(byte[]) || d.ClrType == typeof(ReadOnlyMemory<byte>) => "binary",
        DataField d => d.ClrType.Name,
        _ => f.SchemaType.ToString().ToLowerInvariant(),
    };

    internal static bool IsString(DataField f) => f.ClrType == typeof(string) || f.ClrType == typeof(ReadOnlyMemory<char>);

    private static bool IsSupportedValue(Type t) =>
        t == typeof(bool) || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(DateOnly) || IsNumber(t);

    private static bool IsNumber(Type t) =>
        t == typeof(double) || t == typeof(float) || t == typeof(decimal) || t == typeof(long) || t == typeof(int)
        || t == typeof(short) || t == typeof(sbyte) || t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong);

    private static ColumnType NativeType(DataField f) =>
        f.ClrType == typeof(bool) ? ColumnType.Boolean : IsNumber(f.ClrType) ? ColumnType.Numeric : ColumnType.DateTime;

    internal static Task ReadNumeric(ParquetRowGroupReader g, DataField f, Memory<double> into)
    {
        var t = f.ClrType;
        if (t == typeof(double)) return Read<double>(g, f, into, v => v);
        if (t == typeof(float)) return Read<float>(g, f, into, v => v);
        if (t == typeof(decimal)) return Read<decimal>(g, f, into, v => (double)v);
        if (t == typeof(long)) return Read<long>(g, f, into, v => v);
        if (t == typeof(int)) return Read<int>(g, f, into, v => v);
        if (t == typeof(short)) return Read<short>(g, f, into, v => v);
        if (t == typeof(sbyte)) return Read<sbyte>(g, f, into, v => v);
        if (t == typeof(byte)) return Read<byte>(g, f, into, v => v);
        if (t == typeof(ushort)) return Read<ushort>(g, f, into, v => v);
        if (t == typeof(uint)) return Read<uint>(g, f, into, v => v);
        if (t == typeof(ulong)) return Read<ulong>(g, f, into, v => v);
        if (t == typeof(bool)) return Read<bool>(g, f, into, v => v ? 1 : 0);
        if (t == typeof(DateTimeOffset)) return Read<DateTimeOffset>(g, f, into, ValueParser.ToUnixSeconds);
        if (t == typeof(DateOnly)) return Read<DateOnly>(g, f, into, v => ValueParser.ToUnixSeconds(new DateTimeOffset(v.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));
        // Parquet timestamps without a zone are taken as UTC, like ISO strings without one.
        return Read<DateTime>(g, f, into, v => ValueParser.ToUnixSeconds(new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc))));
    }

    private static async Task Read<T>(ParquetRowGroupReader g, DataField f, Memory<double> into, Func<T, double> convert) where T : struct
    {
        var buffer = ArrayPool<T?>.Shared.Rent(into.Length);
        try
        {
            await ReadValues(g, f, buffer, into.Length);
            var span = into.Span;
            for (var i = 0; i < span.Length; i++) span[i] = buffer[i] is { } v ? convert(v) : double.NaN;
        }
        finally
        {
            ArrayPool<T?>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads the first <paramref name="count"/> values of a row group's column into <paramref name="into"/>, null where missing.
    /// A required column (no definition levels) is read through Parquet.Net's non-nullable overload: its nullable overload
    /// reads definition levels from an uncleared pooled buffer that a required column never fills, so stale negative values
    /// left in <see cref="ArrayPool{T}.Shared"/> by other code become spurious nulls and shift the values after them.
    /// </summary>
    internal static async Task ReadValues<T>(ParquetRowGroupReader g, DataField f, T?[] into, int count) where T : struct
    {
        if (f.MaxDefinitionLevel > 0)
        {
            await g.ReadAsync<T>(f, into.AsMemory(0, count), null);
            return;
        }
        var values = ArrayPool<T>.Shared.Rent(count);
        try
        {
            await g.ReadAsync<T>(f, values.AsMemory(0, count));
            for (var i = 0; i < count; i++) into[i] = values[i];
        }
        finally
        {
            ArrayPool<T>.Shared.Return(values);
        }
    }
}
