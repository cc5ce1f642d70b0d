using System.Text;
using Keel.Core;
using Keel.Core.Data;

namespace Keel.Data;

/// <summary>Reads delimited text with a header row into a table, streaming the file twice: first to infer, then to convert.</summary>
/// <remarks>Memory holds the typed columns (8 bytes a value, each distinct string once), never the file or a string per field.</remarks>
internal static class CsvTableReader
{
    public static (Table Table, string Sha256) Read(string path, char delimiter, Encoding encoding, ColumnBuilder builder)
    {
        string[] header;
        ColumnInference[] inferences;
        var rows = 0;
        string sha;
        using (var records = new CsvRecords(path, delimiter, encoding, check: true))
        {
            if (!records.MoveNext())
                throw new KeelInputException($"{builder.FileName}: the file is empty; it has no header row.");
            header = ReadHeader(records, builder.FileName);
            builder.CheckOverrides(header);
            inferences = header.Select(_ => builder.Inference()).ToArray();
            while (records.MoveNext())
            {
                records.RequireCount(header.Length);
                for (var c = 0; c < header.Length; c++)
                {
                    var field = records.Field(c, header[c]);
                    if (!builder.IsMissing(field)) inferences[c].Observe(field, records.Line);
                }
                rows = checked(rows + 1);
            }
            sha = records.Sha256();
        }

        var fills = header.Select((name, c) => builder.Fill(name, inferences[c], rows)).ToArray();
        using (var records = new CsvRecords(path, delimiter, encoding, check: false))
        {
            records.MoveNext();
            var row = 0;
            while (records.MoveNext())
            {
                if (row == rows) throw Changed(builder.FileName);
                records.RequireCount(header.Length);
                for (var c = 0; c < header.Length; c++) fills[c].Set(row, records.Field(c, header[c]), records.Line);
                row++;
            }
            if (row != rows) throw Changed(builder.FileName);
        }
        return (new Table(fills.Select(f => f.Build()).ToArray()), sha);
    }

    private static KeelInputException Changed(string fileName) =>
        new($"{fileName}: the file changed while it was being read; read it again once nothing is writing to it.");

    private static string[] ReadHeader(CsvRecords records, string fileName)
    {
        var where = $"{fileName} line {records.Line}";
        var names = new string[records.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var name = records.Field(i).ToString();
            if (string.IsNullOrWhiteSpace(name))
                throw new KeelInputException($"{where}: header field {i + 1} is empty; every column needs a name.");
            if (!seen.TryAdd(name, i + 1))
                throw new KeelInputException(
                    $"{where}: column '{name}' appears twice in the header (fields {seen[name]} and {i + 1}).");
            names[i] = name;
        }
        return names;
    }
}
