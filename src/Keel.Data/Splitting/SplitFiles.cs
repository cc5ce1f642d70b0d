using System.Globalization;
using Keel.Core;

namespace Keel.Data;

/// <summary>Reads split definition files.</summary>
public static class SplitFiles
{
    /// <summary>
    /// Reads one 0-based row index per line (blank lines ignored), in file order. Errors name the file and line:
    /// not an integer, out of range 0..<paramref name="rowCount"/>-1, or listed twice.
    /// </summary>
    public static int[] ReadRowIndices(string path, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new KeelInputException($"{path}: split file not found.");
        var name = Path.GetFileName(path);
        var firstLine = new Dictionary<int, int>();
        var rows = new List<int>();
        var lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            var text = line.Trim();
            if (text.Length == 0) continue;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var row))
                throw new KeelInputException($"{name} line {lineNo}: expected a 0-based row index (an integer), got '{text}'.");
            if (row < 0 || row >= rowCount)
                throw new KeelInputException($"{name} line {lineNo}: row {row} is out of range 0..{rowCount - 1} (the data has {rowCount} rows).");
            if (!firstLine.TryAdd(row, lineNo))
                throw new KeelInputException($"{name} line {lineNo}: row {row} is listed twice (first on line {firstLine[row]}).");
            rows.Add(row);
        }
        if (rows.Count == 0) throw new KeelInputException($"{name}: has no row indices; expected one 0-based row index per line.");
        return rows.ToArray();
    }
}
