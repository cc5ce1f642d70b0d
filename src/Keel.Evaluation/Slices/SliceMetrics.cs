using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Slices;

/// <summary>The metrics of one slice (a value or bin of a column) with their bootstrap intervals.</summary>
public sealed record SliceResult(string Column, string Value, int Rows, IReadOnlyDictionary<string, Interval> Metrics);

/// <summary>Metrics per slice of a column.</summary>
public static class SliceMetrics
{
    /// <summary>One result per segment of <paramref name="column"/> (test rows), each metric with a bootstrap interval over the slice's rows.</summary>
    public static IReadOnlyList<SliceResult> Compute(Column column, EncodedLabels truth, Predictions predictions, BootstrapOptions options, int bins = 4) =>
        Slicer.Segments(column, Enumerable.Range(0, truth.Count).ToArray(), bins)
            .Select(s => new SliceResult(s.Column, s.Value, s.Rows.Length, Bootstrap.MetricIntervals(truth, predictions, options, s.Rows)))
            .ToArray();
}
