using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Core.Models;

namespace Keel.Evaluation.Slices;

/// <summary>Whether the order of two models on a metric overall reverses inside every slice of a column (Simpson's paradox).</summary>
/// <remarks>Slices: Per slice: value, rows, metric of A and of B (slices where the metric is undefined for either are left out).</remarks>
public sealed record SimpsonResult(string Column, string ModelA, string ModelB, string Metric, double OverallA, double OverallB,
    IReadOnlyList<SimpsonSlice> Slices, bool Flagged);

/// <summary>One slice of a Simpson check: its value, rows and the metric of each model.</summary>
public sealed record SimpsonSlice(string Value, int Rows, double A, double B);

/// <summary>Simpson's paradox check between two candidates over the slices of one column.</summary>
public static class SimpsonCheck
{
    /// <summary>Flags the column when A is strictly better overall and B strictly better in every (at least two) defined slice, or the reverse.</summary>
    public static SimpsonResult Check(Column column, EncodedLabels truth, string nameA, Predictions a, string nameB, Predictions b, string metric, int bins = 4)
    {
        var info = MetricCatalog.Get(metric);
        double M(Predictions p, IReadOnlyList<int>? rows) =>
            Evaluator.Evaluate(rows is null ? truth : truth.Take(rows), rows is null ? p : p.Take(rows)).Metrics
                .GetValueOrDefault(metric, double.NaN);
        double oa = M(a, null), ob = M(b, null);
        var slices = Slicer.Segments(column, Enumerable.Range(0, truth.Count).ToArray(), bins)
            .Select(s => new SimpsonSlice(s.Value, s.Rows.Length, M(a, s.Rows), M(b, s.Rows)))
            .Where(s => !double.IsNaN(s.A) && !double.IsNaN(s.B))
            .ToArray();
        var flagged = slices.Length >= 2 && (
            (info.IsBetter(oa, ob) && slices.All(s => info.IsBetter(s.B, s.A))) ||
            (info.IsBetter(ob, oa) && slices.All(s => info.IsBetter(s.A, s.B))));
        return new SimpsonResult(column.Name, nameA, nameB, metric, oa, ob, slices, flagged);
    }
}
