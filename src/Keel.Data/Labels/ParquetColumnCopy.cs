using System.Globalization;
using Keel.Core;
using Parquet;
using Parquet.Schema;

namespace Keel.Data.Labels;

/// <summary>Copies one flat column of a Parquet row group to a new file's row group, as it is, with some rows' values set, or only
/// some of its rows.</summary>
internal static class ParquetColumnCopy
{
    /// <summary>Values to set: by row offset within the row group, as text parsed to the column's type.</summary>
    /// <param name="Rows">Row offset → value.</param>
    /// <param name="Field">The column (for messages).</param>
    /// <param name="File">The file name (for messages).</param>
    public sealed record Override(IReadOnlyDictionary<int, string> Rows, DataField Field, string File);

    /// <summary>The field each of <paramref name="read"/> is written as in a copy of its file: itself, or a plain string field where it
    /// holds text (strings are read as character memory and written as strings); a struct's field as a top-level column of its
    /// dotted name, so the copy is flat and reads back with the same column names.</summary>
    public static List<DataField> WrittenFields(IEnumerable<DataField> read) =>
        read.Select(f => ParquetTableReader.IsString(f) ? new DataField<string>(ParquetTableReader.ColumnName(f), f.IsNullable)
            : f.Path.Length > 1 ? new DataField(ParquetTableReader.ColumnName(f), f.ClrType, f.IsNullable) : f).ToList();

    /// <param name="from">The row group read.</param>
    /// <param name="to">The row group written.</param>
    /// <param name="f">The column in the file read.</param>
    /// <param name="into">The column in the file written: <paramref name="f"/> itself, or a string field where <paramref name="f"/> holds text.</param>
    /// <param name="n">Rows in the row group.</param>
    /// <param name="set">Values to set, or null.</param>
    /// <param name="keep">The row offsets to copy, ascending; null copies every row.</param>
    /// <param name="file">The file name, for the message about a column that cannot be copied.</param>
    public static Task CopyAsync(ParquetRowGroupReader from, ParquetRowGroupWriter to, DataField f, DataField into, int n, Override? set,
        IReadOnlyList<int>? keep = null, string? file = null)
    {
        var t = f.ClrType;
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>)) return CopyStrings(from, to, f, into, n, set, keep);
        if (t == typeof(double)) return Copy<double>(from, to, f, into, n, set, keep);
        if (t == typeof(float)) return Copy<float>(from, to, f, into, n, set, keep);
        if (t == typeof(decimal)) return Copy<decimal>(from, to, f, into, n, set, keep);
        if (t == typeof(long)) return Copy<long>(from, to, f, into, n, set, keep);
        if (t == typeof(int)) return Copy<int>(from, to, f, into, n, set, keep);
        if (t == typeof(short)) return Copy<short>(from, to, f, into, n, set, keep);
        if (t == typeof(sbyte)) return Copy<sbyte>(from, to, f, into, n, set, keep);
        if (t == typeof(byte)) return Copy<byte>(from, to, f, into, n, set, keep);
        if (t == typeof(ushort)) return Copy<ushort>(from, to, f, into, n, set, keep);
        if (t == typeof(uint)) return Copy<uint>(from, to, f, into, n, set, keep);
        if (t == typeof(ulong)) return Copy<ulong>(from, to, f, into, n, set, keep);
        if (t == typeof(bool)) return Copy<bool>(from, to, f, into, n, set, keep);
        if (t == typeof(DateTime)) return Copy<DateTime>(from, to, f, into, n, set, keep);
        if (t == typeof(DateTimeOffset)) return Copy<DateTimeOffset>(from, to, f, into, n, set, keep);
        if (t == typeof(DateOnly)) return Copy<DateOnly>(from, to, f, into, n, set, keep);
        throw new KeelInputException($"{set?.File ?? file ?? "the file"}, column '{ParquetTableReader.ColumnName(f)}': a Parquet column of {t.Name} cannot be rewritten.");
    }

    /// <summary>The values at <paramref name="keep"/>'s offsets, or all of them.</summary>
    private static T[] Kept<T>(T[] values, IReadOnlyList<int>? keep)
    {
        if (keep is null) return values;
        var kept = new T[keep.Count];
        for (var i = 0; i < kept.Length; i++) kept[i] = values[keep[i]];
        return kept;
    }

    private static async Task CopyStrings(ParquetRowGroupReader from, ParquetRowGroupWriter to, DataField f, DataField into, int n, Override? set,
        IReadOnlyList<int>? keep)
    {
        var values = new string?[n];
        if (f.ClrType == typeof(string)) await from.ReadAsync(f, values.AsMemory());
        else
        {
            var memory = new ReadOnlyMemory<char>?[n];
            await ParquetTableReader.ReadValues(from, f, memory, n);
            for (var i = 0; i < n; i++) values[i] = memory[i] is { } m ? m.ToString() : null;
        }
        if (set is not null)
        {
            foreach (var (row, label) in set.Rows) values[row] = label;
        }
        await to.WriteAsync(into, Kept(values, keep));
    }

    private static async Task Copy<T>(ParquetRowGroupReader from, ParquetRowGroupWriter to, DataField f, DataField into, int n, Override? set,
        IReadOnlyList<int>? keep) where T : struct
    {
        var all = new T?[n];
        await ParquetTableReader.ReadValues(from, f, all, n);
        if (set is not null)
        {
            foreach (var (row, label) in set.Rows) all[row] = Parse<T>(label, set);
        }
        var values = Kept(all, keep);
        if (into.MaxDefinitionLevel > 0)
        {
            await to.WriteAsync<T>(into, values.AsMemory());
            return;
        }
        await to.WriteAsync<T>(into, values.Select(v => v ?? default).ToArray().AsMemory());
    }

    private static T Parse<T>(string label, Override set) where T : struct
    {
        try
        {
            if (typeof(T) == typeof(bool) && bool.TryParse(label, out var b)) return (T)(object)b;
            if (typeof(T) != typeof(bool) && typeof(T) != typeof(DateTimeOffset) && typeof(T) != typeof(DateOnly))
                return (T)Convert.ChangeType(label, typeof(T), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
        {
            // Named below.
        }
        throw new KeelInputException(
            $"{set.File}, column '{ParquetTableReader.ColumnName(set.Field)}': the column holds {typeof(T).Name} values, and the label '{label}' is not one; give labels of that type.");
    }
}
