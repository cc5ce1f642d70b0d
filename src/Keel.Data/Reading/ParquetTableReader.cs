using Keel.Core;
using Keel.Core.Data;
using Parquet;
using Parquet.Schema;

namespace Keel.Data;

/// <summary>Reads every row group of a flat Parquet file: numeric, boolean, date/time and string columns.</summary>
internal static class ParquetTableReader
{
    public static Table Read(byte[] bytes, ColumnBuilder builder, int maxRowGroups) =>
        // The pipeline is synchronous; blocking here is safe because no synchronisation context is involved.
        ReadAsync(bytes, builder, maxRowGroups).GetAwaiter().GetResult();

    private static async Task<Table> ReadAsync(byte[] bytes, ColumnBuilder builder, int maxRowGroups)
    {
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(new MemoryStream(bytes, writable: false));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new KeelInputException($"{builder.FileName}: not a readable Parquet file ({e.Message}).", e);
        }
        await using (reader)
        {
            var fields = Flat(reader.Schema, builder.FileName);
            builder.CheckOverrides(fields.Select(f => f.Name).ToArray());
            var groups = Math.Min(reader.RowGroupCount, maxRowGroups);
            var rows = checked((int)reader.RowGroups.Take(groups).Sum(g => g.RowCount));
            var numeric = fields.Select(f => IsString(f) ? null : new double[rows]).ToArray();
            var strings = fields.Select(f => IsString(f) ? new string?[rows] : null).ToArray();
            var offset = 0;
            for (var g = 0; g < groups; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var n = checked((int)group.RowCount);
                for (var c = 0; c < fields.Length; c++)
                {
                    if (strings[c] is { } s) await group.ReadAsync(fields[c], s.AsMemory(offset, n));
                    else await ReadNumeric(group, fields[c], numeric[c]!.AsMemory(offset, n));
                }
                offset += n;
            }
            var columns = new Column[fields.Length];
            for (var c = 0; c < fields.Length; c++)
            {
                columns[c] = strings[c] is { } s
                    ? builder.FromRaw(fields[c].Name, s)
                    : builder.Retype(new NumericColumn(fields[c].Name, numeric[c]!, NativeType(fields[c])));
            }
            return new Table(columns);
        }
    }

    private static DataField[] Flat(ParquetSchema schema, string fileName)
    {
        var result = new List<DataField>();
        foreach (var f in schema.Fields)
        {
            if (f is not DataField d || d.IsArray || (!IsString(d) && !IsSupportedValue(d.ClrType)))
                throw new KeelInputException(
                    $"{fileName}, column '{f.Name}': unsupported Parquet type ({Describe(f)}); expected a number, boolean, date/time or string column.");
            result.Add(d);
        }
        return result.ToArray();
    }

    private static string Describe(Field f) => f switch
    {
        DataField { IsArray: true } => "array",
        DataField d when d.ClrType == typeof(byte[]) || d.ClrType == typeof(ReadOnlyMemory<byte>) => "binary",
        DataField d => d.ClrType.Name,
        _ => f.SchemaType.ToString().ToLowerInvariant(),
    };

    private static bool IsString(DataField f) => f.ClrType == typeof(string) || f.ClrType == typeof(ReadOnlyMemory<char>);

    private static bool IsSupportedValue(Type t) =>
        t == typeof(bool) || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(DateOnly) || IsNumber(t);

    private static bool IsNumber(Type t) =>
        t == typeof(double) || t == typeof(float) || t == typeof(decimal) || t == typeof(long) || t == typeof(int)
        || t == typeof(short) || t == typeof(sbyte) || t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong);

    private static ColumnType NativeType(DataField f) =>
        f.ClrType == typeof(bool) ? ColumnType.Boolean : IsNumber(f.ClrType) ? ColumnType.Numeric : ColumnType.DateTime;

    private static Task ReadNumeric(ParquetRowGroupReader g, DataField f, Memory<double> into)
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
        var buffer = new T?[into.Length];
        await g.ReadAsync<T>(f, buffer.AsMemory(), null);
        var span = into.Span;
        for (var i = 0; i < buffer.Length; i++) span[i] = buffer[i] is { } v ? convert(v) : double.NaN;
    }
}
