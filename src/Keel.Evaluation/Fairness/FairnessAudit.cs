using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Slices;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Fairness;

/// <summary>Rates of one group of a sensitive column (binary tasks; NaN where the group has no rows to define a rate).</summary>
public sealed record GroupRates(string Group, int Rows, double SelectionRate, double TruePositiveRate, double FalsePositiveRate, double Precision);

/// <summary>The fairness audit of one sensitive column: per-group rates and Fairlearn's between-group summaries with bootstrap intervals.</summary>
/// <remarks>GroupMetrics: Multiclass and regression: every metric per group (binary tasks use <paramref name="Groups"/>).</remarks>
public sealed record FairnessResult(string Column, IReadOnlyList<GroupRates> Groups,
    Interval? DemographicParityDifference, Interval? DemographicParityRatio, Interval? EqualizedOddsDifference,
    IReadOnlyList<SliceResult> GroupMetrics);

/// <summary>Fairlearn's definitions on the predicted class (argmax): selection rate P(ŷ = 1), TPR, FPR and precision per group;
/// demographic parity difference max − min of selection rate and ratio min / max; equalized odds difference the larger of the TPR and
/// FPR max − min. Groups where a rate is undefined (no positives, no negatives, no predicted positives) leave it out of the summaries.</summary>
public static class FairnessAudit
{
    /// <summary>Audits <paramref name="column"/> (test rows, aligned with the labels and predictions).</summary>
    public static FairnessResult Audit(Column column, EncodedLabels truth, Predictions predictions, BootstrapOptions options)
    {
        var all = Enumerable.Range(0, truth.Count).ToArray();
        if (truth.Task != TaskKind.Binary)
            return new FairnessResult(column.Name, [], null, null, null, SliceMetrics.Compute(column, truth, predictions, options));
        var groupOf = new int[truth.Count];
        var segments = Slicer.Segments(column, all);
        for (var g = 0; g < segments.Count; g++)
        {
            foreach (var r in segments[g].Rows) groupOf[r] = g;
        }
        var y = truth.ClassIndices!;
        var yhat = predictions.PredictedClassIndices();
        var rates = segments.Select((s, g) => Rates(s.Value, s.Rows, y, yhat)).ToArray();
        var summaries = Bootstrap.OfMany(truth.Count, counts => Summaries(WeightedRates(segments.Count, groupOf, counts, y, yhat)), options);
        return new FairnessResult(column.Name, rates, summaries[0], summaries[1], summaries[2], []);
    }

    /// <summary>Demographic parity difference and ratio, equalized odds difference of a set of groups.</summary>
    public static double[] Summaries(IReadOnlyList<GroupRates> groups)
    {
        static (double Min, double Max) Range(IEnumerable<double> v)
        {
            var d = v.Where(x => !double.IsNaN(x)).ToArray();
            return d.Length == 0 ? (double.NaN, double.NaN) : (d.Min(), d.Max());
        }
        var sel = Range(groups.Select(g => g.SelectionRate));
        var tpr = Range(groups.Select(g => g.TruePositiveRate));
        var fpr = Range(groups.Select(g => g.FalsePositiveRate));
        var ratio = sel.Max > 0 ? sel.Min / sel.Max : double.NaN;
        return [sel.Max - sel.Min, ratio, Math.Max(tpr.Max - tpr.Min, fpr.Max - fpr.Min)];
    }

    /// <summary>The rates of every group of a resample given as row counts (a row drawn twice counts twice).</summary>
    private static GroupRates[] WeightedRates(int groups, int[] groupOf, int[] counts, int[] y, int[] yhat)
    {
        var cells = new int[groups * 4];
        for (var r = 0; r < counts.Length; r++)
        {
            if (counts[r] != 0) cells[groupOf[r] * 4 + (y[r] == 1 ? 0 : 2) + (yhat[r] == 1 ? 0 : 1)] += counts[r];
        }
        var rates = new GroupRates[groups];
        for (var g = 0; g < groups; g++) rates[g] = Rates("", cells[g * 4], cells[g * 4 + 2], cells[g * 4 + 3], cells[g * 4 + 1]);
        return rates;
    }

    /// <summary>The rates of one group.</summary>
    public static GroupRates Rates(string group, IReadOnlyList<int> rows, int[] y, int[] yhat)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        foreach (var r in rows)
        {
            if (y[r] == 1) _ = yhat[r] == 1 ? tp++ : fn++;
            else _ = yhat[r] == 1 ? fp++ : tn++;
        }
        return Rates(group, tp, fp, tn, fn);
    }

    private static GroupRates Rates(string group, int tp, int fp, int tn, int fn)
    {
        static double Div(double a, double b) => b == 0 ? double.NaN : a / b;
        var rows = tp + fp + tn + fn;
        return new GroupRates(group, rows, Div(tp + fp, rows), Div(tp, tp + fn), Div(fp, fp + tn), Div(tp, tp + fp));
    }
}
