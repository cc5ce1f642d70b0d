using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data;
using Keel.Monitoring;
using Keel.Monitoring.Performance;

namespace Keel.Pipeline.Monitor;

/// <summary>Adds a window's performance figures: the realised metrics once labels are joined (<c>labelled_rows</c>, <c>auc</c>,
/// <c>accuracy</c>, <c>rmse</c>, …) and, for a binary classifier, the CBPE estimates (<c>estimated_auc</c>, <c>estimated_accuracy</c>).</summary>
internal static class WindowPerformanceFigures
{
    public static void Add(WindowFigures figures, LabelledPredictions? labelled, Predictions? all)
    {
        if (all is { Count: > 0 })
            foreach (var (k, v) in PerformanceCalculator.Estimated(all)) figures.Set(k, v);
        if (labelled is null) return;
        figures.Set("labelled_rows", labelled.Count);
        foreach (var (k, v) in PerformanceCalculator.Figures(labelled)) figures.Set(k, v);
    }
}

/// <summary>A labels file read once, joined per window to the scored rows of the data file by a key column.</summary>
internal sealed class LabelsFile
{
    private readonly string[] _keys;
    private readonly string?[] _labels;
    private readonly string _source;

    private LabelsFile(string[] keys, string?[] labels, string source) => (_keys, _labels, _source) = (keys, labels, source);

    /// <summary>Reads <paramref name="path"/>'s key and label columns.</summary>
    /// <exception cref="KeelInputException">The file or a column is missing (names the file and the columns it has).</exception>
    public static LabelsFile Read(string path, string key, string label)
    {
        if (!File.Exists(path)) throw new KeelInputException($"--labels '{path}': the file does not exist.");
        var table = TableReader.Read(path, new ReadOptions()).Table;
        var name = Path.GetFileName(path);
        foreach (var (column, what) in new[] { (key, "key column (--key)"), (label, "label column (--label)") })
            if (!table.Contains(column))
                throw new KeelInputException($"{name}: no {what} '{column}'; columns are: {string.Join(", ", table.Columns.Select(c => c.Name))}.");
        return new LabelsFile(
            Enumerable.Range(0, table.RowCount).Select(r => table[key].Format(r)).ToArray(),
            Enumerable.Range(0, table.RowCount).Select(r => table[label].IsMissing(r) ? null : table[label].Format(r)).ToArray(), name);
    }

    /// <summary>The rows of <paramref name="rows"/> (indices into the data table) whose key has a label.</summary>
    public LabelledPredictions Join(Column keyColumn, Predictions predictions, int[] rows) =>
        KeyJoin.Join(rows.Select(keyColumn.Format).ToArray(), Keel.Evaluation.Uncertainty.Bootstrap.Take(predictions, rows), null, _keys, _labels, _source);
}
