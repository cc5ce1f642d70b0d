using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Data;

/// <summary>Infers the task from a label column and encodes it as class indices or values.</summary>
public static class LabelEncoding
{
    /// <summary>Integer-valued numeric labels with at most this many distinct values are classes, not quantities.</summary>
    public const int MaxClassesForNumericLabel = 20;

    /// <summary>
    /// Drops rows whose label is missing and encodes the rest. When <paramref name="task"/> is null it is inferred:
    /// string/boolean labels are Binary (2 values) or Multiclass; numeric labels are Binary (2 distinct), Multiclass
    /// (integer-valued, at most 20 distinct) or Regression. Classes are sorted (numerically when all numeric); for Binary,
    /// <paramref name="positiveClass"/> (default: the minority class, the one with fewer rows; on a tie the second sorted class)
    /// is put at index 1. Ignored for other tasks.
    /// </summary>
    /// <param name="table">The loaded table.</param>
    /// <param name="labelColumn">The label's column name.</param>
    /// <param name="task">The task, or null to infer it.</param>
    /// <param name="positiveClass">For binary tasks, the positive label value, or null for the minority class.</param>
    /// <param name="sourceName">The data file's name, for error messages.</param>
    public static LabelInfo Encode(Table table, string labelColumn, TaskKind? task, string? positiveClass, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(labelColumn);
        if (!table.Contains(labelColumn))
            throw new KeelInputException(
                $"{sourceName}: label column '{labelColumn}' not found; {ColumnNames.Hint(labelColumn, table)}.");
        var column = table[labelColumn];
        var where = $"{sourceName}, label column '{labelColumn}'";

        var kept = Enumerable.Range(0, column.Length).Where(r => !column.IsMissing(r)).ToArray();
        var dropped = column.Length - kept.Length;
        if (kept.Length == 0) throw new KeelInputException($"{where}: every value is missing.");

        var isNumeric = column.Type == ColumnType.Numeric;
        var resolved = task ?? InferTask(column, kept, isNumeric);
        if (resolved == TaskKind.Regression)
        {
            if (!isNumeric)
                throw new KeelInputException($"{where}: task regression needs a numeric label, but the column is {column.Type.ToString().ToLowerInvariant()}.");
            var values = kept.Select(r => ((NumericColumn)column)[r]).ToArray();
            var infinite = Array.FindIndex(values, double.IsInfinity);
            if (infinite >= 0)
                throw new KeelInputException($"{where}: data row {kept[infinite]} (0-based) holds {Format(values[infinite])}; a regression label must be a finite number.");
            if (values.Distinct().Count() < 2)
                throw new KeelInputException($"{where}: has only one distinct value ({Format(values[0])}); there is nothing to learn.");
            return new LabelInfo(resolved, new EncodedLabels { Task = resolved, Values = values }, kept, dropped);
        }

        var raw = kept.Select(column.Format).ToArray();
        var classes = SortClasses(raw.Distinct(StringComparer.Ordinal));
        if (classes.Count < 2)
            throw new KeelInputException($"{where}: has only one class ('{classes[0]}'); classification needs at least two.");
        if (resolved == TaskKind.Binary)
        {
            if (classes.Count != 2)
                throw new KeelInputException(
                    $"{where}: task binary needs exactly 2 classes, got {classes.Count} ({Preview(classes)}); use task multiclass.");
            // The rarer class is what one usually looks for (defaults, fraud, churn), and precision, recall and PR AUC
            // describe the positive class; a tie keeps the second sorted class so the choice stays deterministic.
            var positive = positiveClass ?? (raw.Count(v => v == classes[0]) < raw.Count(v => v == classes[1]) ? classes[0] : classes[1]);
            classes = PutPositiveLast(classes, positive, where);
        }
        var indexOf = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var indices = raw.Select(v => indexOf[v]).ToArray();
        return new LabelInfo(resolved, new EncodedLabels { Task = resolved, Classes = classes, ClassIndices = indices }, kept, dropped);
    }

    private static TaskKind InferTask(Column column, int[] kept, bool isNumeric)
    {
        if (!isNumeric)
        {
            var count = kept.Select(column.Format).Distinct(StringComparer.Ordinal).Count();
            return count == 2 ? TaskKind.Binary : TaskKind.Multiclass;
        }
        var numeric = (NumericColumn)column;
        var distinct = kept.Select(r => numeric[r]).Distinct().ToArray();
        if (distinct.Length == 2) return TaskKind.Binary;
        var integral = distinct.All(v => v == Math.Floor(v));
        return integral && distinct.Length <= MaxClassesForNumericLabel ? TaskKind.Multiclass : TaskKind.Regression;
    }

    private static List<string> SortClasses(IEnumerable<string> classes)
    {
        var list = classes.ToList();
        if (list.All(c => ValueParser.TryParseNumber(c, out _)))
            return list.OrderBy(c => double.Parse(c, CultureInfo.InvariantCulture)).ThenBy(c => c, StringComparer.Ordinal).ToList();
        return list.OrderBy(c => c, StringComparer.Ordinal).ToList();
    }

    private static List<string> PutPositiveLast(List<string> classes, string positive, string where)
    {
        var match = classes.FirstOrDefault(c => c == positive)
            ?? classes.FirstOrDefault(c => SameNumber(c, positive))
            ?? throw new KeelInputException($"{where}: positive class '{positive}' is not among the label values ({Preview(classes)}).");
        return [.. classes.Where(c => c != match), match];
    }

    private static bool SameNumber(string a, string b) =>
        ValueParser.TryParseNumber(a, out var x) && ValueParser.TryParseNumber(b, out var y) && x == y;

    private static string Preview(IReadOnlyList<string> classes) =>
        string.Join(", ", classes.Take(10).Select(c => $"'{c}'")) + (classes.Count > 10 ? $", ... ({classes.Count} in all)" : "");

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
