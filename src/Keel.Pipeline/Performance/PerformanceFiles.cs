using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data;
using Keel.Monitoring.Performance;

namespace Keel.Pipeline.Performance;

/// <summary>Labels that arrive as a file, joined by a key column to a predictions file (e.g. `keel predict` output with its `row`
/// column, or any file with an id and the model's `p_CLASS` columns or a numeric `predicted` column).</summary>
public static class PerformanceFiles
{
    /// <summary>The labelled rows: predictions of <paramref name="predictionsPath"/> whose <paramref name="key"/> has a label in
    /// <paramref name="labelsPath"/>'s <paramref name="labelColumn"/>.</summary>
    /// <exception cref="KeelInputException">A missing file or column, no p_CLASS nor predicted column, or a bad label (file and row named).</exception>
    public static LabelledPredictions Join(string predictionsPath, string labelsPath, string key, string labelColumn)
    {
        // Keys and labels are compared as each file formats them (a numeric key 7 reads as "7" in both files).
        var predictions = Read(predictionsPath, new ReadOptions(), key);
        var labels = Read(labelsPath, new ReadOptions(), key);
        var source = Path.GetFileName(labelsPath);
        if (!labels.Contains(labelColumn))
            throw new KeelInputException($"{source}: no label column '{labelColumn}'; {ColumnNames.Hint(labelColumn, labels)}.");
        var probabilityColumns = predictions.Columns.Where(c => c.Name.StartsWith("p_", StringComparison.Ordinal)).ToArray();
        Predictions p;
        if (probabilityColumns.Length >= 2)
        {
            var classes = probabilityColumns.Select(c => c.Name[2..]).ToArray();
            var rows = new double[predictions.RowCount][];
            for (var r = 0; r < rows.Length; r++)
                rows[r] = probabilityColumns.Select(c => Number(c, r, predictionsPath)).ToArray();
            var task = classes.Length == 2 ? TaskKind.Binary : TaskKind.Multiclass;
            p = new Predictions { Task = task, Classes = classes, Probabilities = rows };
        }
        else if (predictions.Contains("predicted"))
        {
            var c = predictions["predicted"];
            p = new Predictions { Task = TaskKind.Regression, Values = Enumerable.Range(0, predictions.RowCount).Select(r => Number(c, r, predictionsPath)).ToArray() };
        }
        else throw new KeelInputException($"{Path.GetFileName(predictionsPath)}: expected p_CLASS columns (one per class) or a numeric 'predicted' column, as keel predict writes.");
        var keys = Enumerable.Range(0, predictions.RowCount).Select(r => predictions[key].Format(r)).ToArray();
        var labelKeys = Enumerable.Range(0, labels.RowCount).Select(r => labels[key].Format(r)).ToArray();
        var labelValues = Enumerable.Range(0, labels.RowCount).Select(r => labels[labelColumn].IsMissing(r) ? null : labels[labelColumn].Format(r)).ToArray();
        return KeyJoin.Join(keys, p, null, labelKeys, labelValues, source);
    }

    private static Table Read(string path, ReadOptions options, string key)
    {
        if (!File.Exists(path)) throw new KeelInputException($"'{path}' does not exist.");
        var table = TableReader.Read(path, options).Table;
        if (!table.Contains(key))
            throw new KeelInputException($"{Path.GetFileName(path)}: no key column '{key}'; {ColumnNames.Hint(key, table)}.");
        return table;
    }

    private static double Number(Column c, int row, string path)
    {
        if (c is NumericColumn n) return n[row];
        var s = c.Format(row);
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new KeelInputException($"{Path.GetFileName(path)} row {row + 1}, column '{c.Name}': expected a number, got '{s}'.");
    }
}
