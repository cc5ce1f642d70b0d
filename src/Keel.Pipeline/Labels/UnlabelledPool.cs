using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Data;
using Keel.Data.Labels;

namespace Keel.Pipeline.Labels;

/// <summary>The rows of a run whose label is empty, as features, with the weak labels some of them got (spec labels.weak).
/// They only ever join training rows: the split is made over labelled rows alone.</summary>
/// <param name="Features">The pool's feature columns, in the run's feature order.</param>
/// <param name="WeakRows">Pool rows that got a weak label (positions in <paramref name="Features"/>).</param>
/// <param name="WeakLabels">Their class indices (the run's classes).</param>
/// <param name="WeakAccuracy">The label model's accuracy on the labelled rows it covers, or null.</param>
public sealed record UnlabelledPool(Table Features, int[] WeakRows, int[] WeakLabels, double? WeakAccuracy)
{
    /// <summary>Builds the pool of a prepared spec: the rows LabelEncoding dropped, and their weak labels when labels.weak is set.</summary>
    /// <exception cref="KeelInputException">The task is regression, the function file is bad, or it votes a class the label lacks.</exception>
    public static UnlabelledPool? Build(KeelSpec spec, string specName, string specDir, Table all, LabelInfo label, Func<Table, Table> toFeatures, string source)
    {
        if (spec.Labels is not { } labels) return null;
        if (label.Task == TaskKind.Regression)
            throw new KeelInputException($"{specName} field 'labels': weak labels and self-training need classes, but the task is regression; remove the labels section.");
        var kept = new HashSet<int>(label.KeptRows);
        var poolRows = Enumerable.Range(0, all.RowCount).Where(r => !kept.Contains(r)).ToArray();
        var features = toFeatures(all.Take(poolRows));
        if (labels.Weak is not { } rules) return new UnlabelledPool(features, [], [], null);

        LabelingFunctionSet functions;
        WeakLabels weak;
        try
        {
            functions = LabelingFunctionSet.Read(Path.GetFullPath(Path.Combine(specDir, rules)));
            var gold = new string?[all.RowCount];
            var classes = label.Labels.Classes;
            for (var i = 0; i < label.KeptRows.Length; i++) gold[label.KeptRows[i]] = classes[label.Labels.ClassIndices![i]];
            weak = WeakLabeler.Label(functions, all, gold, new LabelModelOptions(), source);
        }
        catch (KeelInputException e)
        {
            throw new KeelInputException($"{specName} field 'labels.weak': {e.Message}", e);
        }
        var unknown = weak.Classes.Except(label.Labels.Classes, StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
            throw new KeelInputException($"{specName} field 'labels.weak': the functions vote {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which the label column '{spec.Data.Label}' does not hold; its classes are: {string.Join(", ", label.Labels.Classes)}.");
        var toRun = weak.Classes.Select(c => label.Labels.Classes.ToList().IndexOf(c)).ToArray();
        var rows = new List<int>();
        var codes = new List<int>();
        for (var p = 0; p < poolRows.Length; p++)
        {
            var r = poolRows[p];
            if (weak.Labels[r] < 0 || weak.Confidence(r) < labels.MinConfidence) continue;
            rows.Add(p);
            codes.Add(toRun[weak.Labels[r]]);
        }
        var goldCodes = new int[all.RowCount];
        Array.Fill(goldCodes, -1);
        for (var i = 0; i < label.KeptRows.Length; i++) goldCodes[label.KeptRows[i]] = Array.IndexOf(toRun, label.Labels.ClassIndices![i]);
        var accuracy = LabelingAnalysis.Accuracy(weak.Labels, goldCodes).Accuracy;
        return new UnlabelledPool(features, [.. rows], [.. codes], accuracy);
    }

    /// <summary><paramref name="a"/>'s rows followed by <paramref name="b"/>'s (same columns, same types).</summary>
    public static Table Concat(Table a, Table b) => new(a.Columns.Select(c => Concat(c, b[c.Name])).ToArray());

    private static Column Concat(Column a, Column b) => (a, b) switch
    {
        (NumericColumn x, NumericColumn y) => new NumericColumn(x.Name, [.. x.Values, .. y.Values], x.Type),
        (StringColumn x, StringColumn y) => new StringColumn(x.Name, [.. x.Values, .. y.Values], x.Type),
        _ => throw new InvalidOperationException($"Column '{a.Name}' has different kinds in the two tables."),
    };

    /// <summary><paramref name="labels"/> followed by <paramref name="more"/> class indices.</summary>
    public static EncodedLabels Concat(EncodedLabels labels, int[] more) => labels with { ClassIndices = [.. labels.ClassIndices!, .. more] };
}
