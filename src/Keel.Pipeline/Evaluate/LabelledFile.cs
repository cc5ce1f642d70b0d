using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data;
using Keel.Training;

namespace Keel.Pipeline.Evaluate;

/// <summary>Labelled rows from a file other than the run's data (new data, behavioural test cases), read as the run read its data.</summary>
internal static class LabelledFile
{
    /// <summary>New labelled rows read as the run read its data (types, missing tokens), labels encoded in the model's class order.</summary>
    /// <exception cref="KeelInputException">The file lacks the label or a column the evaluation names, or holds a class the model does not know.</exception>
    /// <param name="path">The file.</param>
    /// <param name="prepared">The run whose read options and label apply.</param>
    /// <param name="model">The model: its input columns must be there, its classes are the labels'.</param>
    /// <param name="needed">Other columns that must be there.</param>
    /// <param name="what">Names the file's origin in errors, e.g. "--data" or "evaluation.tests[2]".</param>
    public static (LoadedTable Data, Table Table, EncodedLabels Truth) Read(string path, PreparedRun prepared, IFittedModel model, IReadOnlyList<string> needed, string what)
    {
        var spec = prepared.Spec;
        var name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new KeelInputException($"{what}: the file '{path}' does not exist.");
        var data = TableReader.Read(path, new ReadOptions { Types = spec.Data.Types, MissingTokens = prepared.MissingTokens, Encoding = spec.Data.Encoding, Delimiter = spec.Data.Delimiter, Decimal = spec.Data.Decimal });
        foreach (var required in new[] { spec.Data.Label }.Concat(needed).Concat(model.InputSchema.Columns.Select(c => c.Name)))
        {
            if (!data.Table.Contains(required))
                throw new KeelInputException($"{what} {name}: it has no column '{required}', which the model or the run's evaluation needs; {ColumnNames.Hint(required, data.Table)}.");
        }
        if (prepared.Task == TaskKind.Regression)
        {
            var label = LabelEncoding.Encode(data.Table, spec.Data.Label, prepared.Task, null, name);
            return (data, label.KeptRows.Length == data.Table.RowCount ? data.Table : data.Table.Take(label.KeptRows), label.Labels);
        }
        // Classes are the model's, in its order: new data may hold one class only, or its rarer class may differ.
        var column = data.Table[spec.Data.Label];
        var index = model.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var kept = new List<int>();
        var indices = new List<int>();
        for (var r = 0; r < column.Length; r++)
        {
            if (column.IsMissing(r)) continue;
            var value = column.Format(r);
            if (!index.TryGetValue(value, out var k))
                throw new KeelInputException($"{what} {name} data row {r + 1} (1-based), column '{spec.Data.Label}': class '{value}' is not one the model knows; expected one of: {string.Join(", ", model.Classes)}.");
            kept.Add(r);
            indices.Add(k);
        }
        if (kept.Count == 0) throw new KeelInputException($"{what} {name}, column '{spec.Data.Label}': every label is missing, so there is nothing to evaluate.");
        var table = kept.Count == data.Table.RowCount ? data.Table : data.Table.Take(kept);
        return (data, table, new EncodedLabels { Task = prepared.Task, Classes = model.Classes, ClassIndices = [.. indices] });
    }
}
