using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Pipeline.Predict;

namespace Keel.Serving.Hosting;

/// <summary>Scores many requests' rows with one model call: their tables stacked into one, the answers cut back per request.</summary>
internal static class ShadowBatch
{
    /// <summary>
    /// The answers of <paramref name="model"/> to each table, from one call on all their rows; the same as predicting each table alone,
    /// since every row is predicted on its own.
    /// </summary>
    /// <param name="model">The model; every table is bound to its input schema.</param>
    /// <param name="tables">The requests' rows, each with the model's columns in the same order.</param>
    public static Predictions[] Predict(LoadedModel model, IReadOnlyList<Table> tables)
    {
        if (tables.Count == 1) return [model.Predict(tables[0])];
        return Slice(model.Predict(Stack(tables)), tables.Select(t => t.RowCount).ToArray());
    }

    /// <summary>
    /// The answers of <paramref name="model"/> to each copy's rows: one call on the copies' shared table when they are consecutive row
    /// ranges covering it (as <see cref="ShadowRing.ReadBatch"/> hands them), otherwise on their rows stacked into one.
    /// </summary>
    /// <param name="model">The model; every copy's rows are bound to its input schema.</param>
    /// <param name="copies">The copies.</param>
    public static Predictions[] Predict(LoadedModel model, IReadOnlyList<ShadowCopy> copies)
    {
        var shared = copies[0].Rows;
        var at = 0;
        var i = 0;
        for (; i < copies.Count && ReferenceEquals(copies[i].Rows, shared) && copies[i].FirstRow == at; i++) at += copies[i].Count;
        if (i == copies.Count && at == shared.RowCount)
            return copies.Count == 1 ? [model.Predict(shared)] : Slice(model.Predict(shared), copies.Select(c => c.Count).ToArray());
        return Predict(model, copies.Select(c => c.Own()).ToArray());
    }

    private static Predictions[] Slice(Predictions all, int[] counts)
    {
        var answers = new Predictions[counts.Length];
        var at = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            var n = counts[i];
            answers[i] = all with { Probabilities = all.Probabilities?[at..(at + n)], Values = all.Values?[at..(at + n)] };
            at += n;
        }
        return answers;
    }

    /// <summary>One table holding every row of <paramref name="tables"/>, in order (same columns, names and types as the first).</summary>
    /// <exception cref="ArgumentException">The tables' columns differ.</exception>
    public static Table Stack(IReadOnlyList<Table> tables)
    {
        var first = tables[0];
        var rows = tables.Sum(t => t.RowCount);
        var columns = new Column[first.Columns.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            var head = first.Columns[c];
            var at = 0;
            switch (head)
            {
                case NumericColumn:
                {
                    var values = new double[rows];
                    foreach (var t in tables)
                    {
                        Same<NumericColumn>(t, c, head).Values.CopyTo(values.AsSpan(at));
                        at += t.RowCount;
                    }
                    columns[c] = new NumericColumn(head.Name, values, head.Type);
                    break;
                }
                case StringColumn:
                {
                    var values = new string?[rows];
                    foreach (var t in tables)
                    {
                        Same<StringColumn>(t, c, head).Values.CopyTo(values.AsSpan(at));
                        at += t.RowCount;
                    }
                    columns[c] = new StringColumn(head.Name, values, head.Type);
                    break;
                }
                default:
                    throw new ArgumentException($"column '{head.Name}' is a {head.GetType().Name}, which cannot be stacked", nameof(tables));
            }
        }
        return new Table(columns);
    }

    private static T Same<T>(Table t, int c, Column head) where T : Column =>
        c < t.Columns.Count && t.Columns[c] is T column && column.Name == head.Name && column.Type == head.Type
            ? column
            : throw new ArgumentException($"column {c + 1} of a table is not '{head.Name}' ({head.Type}) as in the first", nameof(t));
}
