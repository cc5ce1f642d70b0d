using System.Globalization;
using System.Text;
using Keel.Data;

namespace Keel.Pipeline.Labels;

/// <summary>Writes the CSV files of the label commands (a .tsv path: tab-separated): a header, then rows, UTF-8; written to a
/// temporary file and renamed, so a failed write never leaves half a file in place of a good one.</summary>
internal static class LabelCsv
{
    /// <summary>Fails unless <paramref name="path"/> names a CSV or TSV file, before any work is done.</summary>
    /// <param name="path">The output path.</param>
    /// <param name="option">The option that gave it, for the message.</param>
    /// <exception cref="Keel.Core.KeelInputException">Another extension.</exception>
    public static void CheckPath(string path, string option)
    {
        if (Path.GetExtension(path).ToLowerInvariant() is not (".csv" or ".tsv"))
            throw new Keel.Core.KeelInputException($"{option}: these rows are written as CSV; expected a .csv or .tsv path, got '{Path.GetFileName(path)}'.");
    }

    public static void Write(string path, IReadOnlyList<string> header, int rows, Func<int, IEnumerable<string>> row)
    {
        var delimiter = Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';
        string Line(IEnumerable<string> cells) => string.Join(delimiter, cells.Select(c => TextFormats.QuoteField(c, delimiter)));
        OutputFiles.WriteWhole(path, temp =>
        {
            using var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false));
            writer.Write(Line(header));
            writer.Write('\n');
            for (var r = 0; r < rows; r++)
            {
                writer.Write(Line(row(r)));
                writer.Write('\n');
            }
        }, reason => $"{path}: cannot be written ({reason}).");
    }

    public static string Number(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    public static string Quote(string s) => TextFormats.QuoteField(s, ',');
}
