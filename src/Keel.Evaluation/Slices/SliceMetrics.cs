using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Slices;

/// <summary>The metrics of one slice (a value or bin of a column) with their bootstrap intervals.</summary>
/// <remarks>Metrics: empty for a slice below the minimum size (<see cref="BelowMinimum"/>).</remarks>
public sealed record SliceResult(string Column, string Value, int Rows, IReadOnlyDictionary<string, Interval> Metrics)
{
    /// <summary>The slice has fewer rows than the minimum for reporting, so it has no metrics.</summary>
    public bool BelowMinimum { get; init; }
}

/// <summary>Metrics per slice of a column.</summary>
public static class SliceMetrics
{
    /// <summary>One result per segment of <paramref name="column"/> (test rows), each metric with a bootstrap interval over the slice's rows;
    /// a segment with fewer than <paramref name="minRows"/> rows is listed without metrics.</summary>
    public static IReadOnlyList<SliceResult> Compute(Column column, EncodedLabels truth, Predictions predictions, BootstrapOptions options, int bins = 4,
        int minRows = 1) =>
        Slicer.Segments(column, Enumerable.Range(0, truth.Count).ToArray(), bins)
            .Select(s => s.Rows.Length < minRows
                ? new SliceResult(s.Column, s.Value, s.Rows.Length, new Dictionary<string, Interval>()) { BelowMinimum = true }
                : new SliceResult(s.Column, s.Value, s.Rows.Length, Bootstrap.MetricIntervals(truth, predictions, options, s.Rows)))
            .ToArray();
}
