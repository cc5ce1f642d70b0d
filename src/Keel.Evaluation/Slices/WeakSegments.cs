using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Significance;

namespace Keel.Evaluation.Slices;

/// <summary>Options of the weak-segment search.</summary>
public sealed record WeakSegmentOptions
{
    /// <summary>Fewest rows a segment must have to be considered. Default 30.</summary>
    public int MinRows { get; init; } = 30;

    /// <summary>Family-wise level: a segment counts when its one-sided p-value times the number of segments tested is below it. Default 0.05.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>How many segments are kept, best ranked first. Default 10.</summary>
    public int Top { get; init; } = 10;

    /// <summary>Quantile bins per numeric column. Default 4.</summary>
    public int Bins { get; init; } = 4;

    /// <summary>Columns with more distinct values than this (ids, free text) are skipped. Default 30.</summary>
    public int MaxValues { get; init; } = 30;
}

/// <summary>A segment whose per-row loss (classification: error rate; regression: absolute error) is significantly worse than the rest.</summary>
/// <remarks>Conditions: One or two "COLUMN = VALUE" conditions.</remarks>
/// <remarks>Shortfall: Segment loss minus overall loss.</remarks>
/// <remarks>PValue: One-sided Welch z-test of segment against the other rows, Bonferroni-adjusted by the number of segments tested.</remarks>
public sealed record WeakSegment(IReadOnlyList<string> Conditions, int Rows, double Loss, double OverallLoss, double Shortfall, double PValue)
{
    /// <summary>The ranking score: rows × shortfall.</summary>
    public double Score => Rows * Shortfall;
}

/// <summary>Automatic search for weak segments over single columns and pairs of columns, ranked by size × shortfall.</summary>
public static class WeakSegments
{
    /// <summary>The significantly weak segments of <paramref name="table"/> (test rows, aligned with truth and predictions).</summary>
    public static IReadOnlyList<WeakSegment> Search(Table table, EncodedLabels truth, Predictions predictions, WeakSegmentOptions options)
    {
        var loss = Loss(truth, predictions);
        var n = loss.Length;
        var all = Enumerable.Range(0, n).ToArray();
        var singles = table.Columns
            .Select(c => Slicer.Segments(c, all, options.Bins))
            .Where(s => s.Count >= 2 && s.Count <= options.MaxValues)
            .SelectMany(s => s)
            .Where(s => s.Rows.Length >= options.MinRows)
            .ToArray();
        var candidates = new List<(string[] Conditions, int[] Rows)>();
        candidates.AddRange(singles.Select(s => (new[] { $"{s.Column} = {s.Value}" }, s.Rows)));
        for (var i = 0; i < singles.Length; i++)
        {
            for (var j = i + 1; j < singles.Length; j++)
            {
                if (singles[i].Column == singles[j].Column) continue;
                var rows = singles[i].Rows.Intersect(singles[j].Rows).ToArray();
                if (rows.Length >= options.MinRows && rows.Length < singles[i].Rows.Length && rows.Length < singles[j].Rows.Length)
                    candidates.Add(([$"{singles[i].Column} = {singles[i].Value}", $"{singles[j].Column} = {singles[j].Value}"], rows));
            }
        }
        double total = loss.Sum(), totalSq = loss.Sum(v => v * v), overall = total / n;
        var found = new List<WeakSegment>();
        foreach (var (conditions, rows) in candidates)
        {
            var m = rows.Length;
            // Both sides need MinRows: a near-everything segment against a handful of rows has a meaningless variance.
            if (n - m < options.MinRows) continue;
            double s = 0, sq = 0;
            foreach (var r in rows)
            {
                s += loss[r];
                sq += loss[r] * loss[r];
            }
            double mean = s / m, restMean = (total - s) / (n - m);
            var varIn = Math.Max(0, (sq - m * mean * mean) / (m - 1));
            var varOut = Math.Max(0, (totalSq - sq - (n - m) * restMean * restMean) / (n - m - 1));
            var se = Math.Sqrt(varIn / m + varOut / (n - m));
            if (!(se > 0) || mean <= overall) continue;
            var p = Math.Min(1, Distributions.NormalUpper((mean - restMean) / se) * candidates.Count);
            if (p < options.Alpha) found.Add(new WeakSegment(conditions, m, mean, overall, mean - overall, p));
        }
        return found.OrderByDescending(w => w.Score).ThenBy(w => string.Join(" and ", w.Conditions), StringComparer.Ordinal)
            .Take(options.Top).ToArray();
    }

    /// <summary>Per-row loss: 1 for a wrong class, else 0; or the absolute error.</summary>
    public static double[] Loss(EncodedLabels truth, Predictions p)
    {
        if (truth.Task == TaskKind.Regression) return truth.Values!.Select((y, i) => Math.Abs(y - p.Values![i])).ToArray();
        var predicted = p.PredictedClassIndices();
        return truth.ClassIndices!.Select((c, i) => c == predicted[i] ? 0.0 : 1.0).ToArray();
    }
}
