using System.Text;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data;

/// <summary>Reads delimited text with a header row into a table.</summary>
internal static class CsvTableReader
{
    public static Table Read(byte[] bytes, char delimiter, ColumnBuilder builder)
    {
        var parser = new CsvParser(Decode(bytes), delimiter, builder.FileName);
        var fields = new List<string>();
        if (!parser.TryReadRecord(fields, out var headerLine))
            throw new KeelInputException($"{builder.FileName}: the file is empty; it has no header row.");
        var header = ValidateHeader(fields, $"{builder.FileName} line {headerLine}");
        builder.CheckOverrides(header);

        var columns = header.Select(_ => new List<string?>()).ToArray();
        var lines = new List<int>();
        while (parser.TryReadRecord(fields, out var line))
        {
            if (fields.Count != header.Length)
                throw new KeelInputException(
                    $"{builder.FileName} line {line}: expected {header.Length} fields (as in the header), got {fields.Count}.");
            for (var c = 0; c < header.Length; c++) columns[c].Add(fields[c]);
            lines.Add(line);
        }
        builder.RowLines = lines.ToArray();
        return new Table(header.Select((name, c) => builder.FromRaw(name, columns[c].ToArray())).ToArray());
    }

    internal static string Decode(byte[] bytes)
    {
        var text = new UTF8Encoding(false).GetString(bytes);
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    private static string[] ValidateHeader(List<string> fields, string where)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            var name = fields[i];
            if (string.IsNullOrWhiteSpace(name))
                throw new KeelInputException($"{where}: header field {i + 1} is empty; every column needs a name.");
            if (!seen.TryAdd(name, i + 1))
                throw new KeelInputException(
                    $"{where}: column '{name}' appears twice in the header (fields {seen[name]} and {i + 1}).");
        }
        return fields.ToArray();
    }
}
