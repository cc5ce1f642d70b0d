using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Data;
using Keel.Training;

namespace Keel.Pipeline;

/// <summary>data.weight (per-row weights) and imbalance.class_weight: checked before training, applied to training rows by the trainers
/// that honour example weights, and (row weights only) to validation and test metrics.</summary>
internal static class TrainingWeights
{
    /// <summary>The data.weight column's value for every row of <paramref name="table"/>, or null without data.weight.</summary>
    /// <exception cref="KeelInputException">The column is missing or not numeric, or a value is missing, negative or not finite (named by
    /// its 0-based data row), or every weight is 0.</exception>
    public static double[]? Read(KeelSpec spec, string specName, Table table, LabelInfo label, string source)
    {
        if (spec.Data.Weight is not { } column) return null;
        if (!table.Contains(column))
            throw new KeelInputException($"{specName} field 'data.weight': the data has no column '{column}'; {ColumnNames.Hint(column, table)}.");
        if (table[column] is not NumericColumn n || n.Type != ColumnType.Numeric)
            throw new KeelInputException($"{specName} field 'data.weight': column '{column}' of {source} is {table[column].Type.ToString().ToLowerInvariant()}; expected numbers (row weights of 0 or more).");
        var w = n.Values.ToArray();
        for (var r = 0; r < w.Length; r++)
        {
            if (!double.IsFinite(w[r]) || w[r] < 0)
                throw new KeelInputException($"{specName} field 'data.weight': {source} row {label.KeptRows[r].ToString(CultureInfo.InvariantCulture)} (0-based), column '{column}': '{n.Format(r)}' is not a finite weight of 0 or more.");
        }
        if (w.All(x => x == 0)) throw new KeelInputException($"{specName} field 'data.weight': every value of column '{column}' in {source} is 0; expected some rows to weigh more than 0.");
        return w;
    }

    /// <summary>Checks class weights against the label and weights against the other training-row options and the candidates.</summary>
    /// <exception cref="KeelInputException">class_weight on regression or naming an unknown class; data.weight with resampling or
    /// augmentation (their new rows have no weight); a candidate that cannot honour weights.</exception>
    public static void Validate(KeelSpec spec, string specName, LabelInfo label, IReadOnlyList<Candidate> candidates)
    {
        if (spec.Imbalance?.ClassWeight is { } cw)
        {
            if (label.Task == TaskKind.Regression)
                throw new KeelInputException($"{specName} field 'imbalance.class_weight': class weights need classes, but the task is regression; use data.weight for per-row weights.");
            foreach (var cls in cw.Given.Keys.Where(c => !label.Labels.Classes.Contains(c)))
                throw new KeelInputException($"{specName} field 'imbalance.class_weight.{cls}': the label has no class '{cls}'; classes are: {string.Join(", ", label.Labels.Classes)}.");
        }
        if (spec.Data.Weight is not null && spec.Imbalance?.Method is { } method)
            throw new KeelInputException($"{specName} field 'data.weight': cannot be combined with imbalance.method ({method}), whose new training rows have no weight; use imbalance.class_weight instead.");
        if (spec.Data.Weight is not null && spec.Augment is not null)
            throw new KeelInputException($"{specName} field 'data.weight': cannot be combined with augment, whose copies have no weight.");
        if (spec.Data.Weight is null && spec.Imbalance?.ClassWeight is null) return;
        foreach (var c in candidates.Where(c => !c.Trainer.IsBaseline && !c.Trainer.HonoursWeights))
            throw new KeelInputException($"{specName} field 'models': {c.Name} ({c.Trainer.Type}) cannot weight its training rows, so data.weight / imbalance.class_weight would be ignored; remove it or the weights.");
    }

    /// <summary>The candidates that train unweighted although weights are set: the baselines (random, zero_rule, heuristic), which are
    /// references, not learners. Logged as the run parameter weights.ignored_by.</summary>
    public static IReadOnlyList<string> IgnoredBy(PreparedRun run) =>
        run.Weights is null && run.Spec.Imbalance?.ClassWeight is null ? [] : run.Candidates.Where(c => !c.Trainer.HonoursWeights).Select(c => c.Name).ToArray();

    /// <summary>The example weights of training rows with labels <paramref name="labels"/>: row weights (already taken for these rows, or
    /// null) times the class weights (balanced: counted on these rows).</summary>
    public static double[]? ForTraining(KeelSpec spec, EncodedLabels labels, double[]? rowWeights)
    {
        if (spec.Imbalance?.ClassWeight is not { } cw || labels.ClassIndices is not { } y) return rowWeights;
        var perClass = cw.Balanced
            ? ExampleWeights.Balanced(y, labels.Classes.Count)
            : labels.Classes.Select(c => cw.Given.TryGetValue(c, out var v) ? v : 1.0).ToArray();
        return ExampleWeights.Combine(rowWeights, perClass, y);
    }
}
