using System.Globalization;
using System.Text;

namespace Keel.Pipeline.Labels;

/// <summary>Writes the CSV files of the label commands: a header, then rows; written to a temporary file and renamed, so a
/// failed write never leaves half a file in place of a good one.</summary>
internal static class LabelCsv
{
    public static void Write(string path, IReadOnlyList<string> header, int rows, Func<int, IEnumerable<string>> row)
    {
        var temp = path + ".part";
        try
        {
            using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
            {
                writer.Write(string.Join(',', header.Select(Quote)));
                writer.Write('\n');
                for (var r = 0; r < rows; r++)
                {
                    writer.Write(string.Join(',', row(r).Select(Quote)));
                    writer.Write('\n');
                }
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new Keel.Core.KeelInputException($"{path}: cannot be written ({e.Message}).", e);
        }
    }

    public static string Number(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    public static string Quote(string s) => s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
