using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data;
using Keel.Monitoring;
using Keel.Monitoring.Performance;

namespace Keel.Pipeline.Monitor;

/// <summary>Adds a window's performance figures: the realised metrics once labels are joined (<c>labelled_rows</c>, <c>auc</c>,
/// <c>accuracy</c>, <c>rmse</c>, …) and, for a binary classifier, the CBPE estimates (<c>estimated_auc</c>, <c>estimated_accuracy</c>).
/// With a <see cref="ConceptReference"/>, also the model's metric's seeded bootstrap interval (<c>METRIC_low</c>, <c>METRIC_high</c>)
/// and <c>concept_drift</c> (1 when the window's value lies beyond the registered test-set interval on the bad side, else 0).</summary>
internal static class WindowPerformanceFigures
{
    public static void Add(WindowFigures figures, LabelledPredictions? labelled, Predictions? all, ConceptReference? concept = null)
    {
        if (all is { Count: > 0 })
            foreach (var (k, v) in PerformanceCalculator.Estimated(all)) figures.Set(k, v);
        if (labelled is null) return;
        figures.Set("labelled_rows", labelled.Count);
        foreach (var (k, v) in PerformanceCalculator.Figures(labelled)) figures.Set(k, v);
        if (concept is null || labelled.Count == 0) return;
        var realised = PerformanceCalculator.Realised(labelled, concept.Metric, new Keel.Evaluation.Uncertainty.BootstrapOptions(), concept.Interval);
        figures.Set(concept.Metric + "_low", realised.Value.Low);
        figures.Set(concept.Metric + "_high", realised.Value.High);
        if (concept.Interval is not null) figures.Set("concept_drift", realised.ConceptDrift ? 1 : 0);
    }
}

/// <summary>The model's selection metric and its test-set interval stored at registration (null when the run kept none).</summary>
internal sealed record ConceptReference(string Metric, Keel.Evaluation.Uncertainty.Interval? Interval);

/// <summary>A labels file read once, joined per window to the scored rows of the data file by a key column.</summary>
internal sealed class LabelsFile
{
    private readonly string[] _keys;
    private readonly string?[] _labels;
    private readonly string _source;

    private LabelsFile(string[] keys, string?[] labels, string source) => (_keys, _labels, _source) = (keys, labels, source);

    /// <summary>Reads <paramref name="path"/>'s key and label columns.</summary>
    /// <exception cref="KeelInputException">The file or a column is missing (names the file and the columns it has).</exception>
    public static LabelsFile Read(string path, string key, string label, ReadOptions reading)
    {
        if (!File.Exists(path)) throw new KeelInputException($"--labels '{path}': the file does not exist.");
        var table = TableReader.Read(path, reading).Table;
        var name = Path.GetFileName(path);
        foreach (var (column, what) in new[] { (key, "key column (--key)"), (label, "label column (--label)") })
            if (!table.Contains(column))
                throw new KeelInputException($"{name}: no {what} '{column}'; {ColumnNames.Hint(column, table)}.");
        return new LabelsFile(
            Enumerable.Range(0, table.RowCount).Select(r => table[key].Format(r)).ToArray(),
            Enumerable.Range(0, table.RowCount).Select(r => table[label].IsMissing(r) ? null : table[label].Format(r)).ToArray(), name);
    }

    /// <summary>The rows of <paramref name="rows"/> (indices into the data table) whose key has a label.</summary>
    public LabelledPredictions Join(Column keyColumn, Predictions predictions, int[] rows) =>
        KeyJoin.Join(rows.Select(keyColumn.Format).ToArray(), predictions.Take(rows), null, _keys, _labels, _source);
}
