using System.Globalization;
using Keel.Core;
using Keel.Core.Spec;

namespace Keel.Evaluation.Calibration;

/// <summary>A chosen threshold (predict the positive class when its probability ≥ Threshold) and what it achieved on the rows it was chosen on.</summary>
/// <param name="Threshold">The threshold.</param>
/// <param name="Value">The objective's value: F-beta, recall (for a precision target), precision (for a recall target) or mean cost per row.</param>
/// <param name="Precision">Precision at the threshold (NaN when nothing is predicted positive).</param>
/// <param name="Recall">Recall at the threshold.</param>
public sealed record ThresholdChoice(double Threshold, double Value, double Precision, double Recall);

/// <summary>Chooses decision thresholds among the scores seen (each distinct score, and one above them all: nothing positive).</summary>
public static class Thresholds
{
    /// <summary>The threshold for <paramref name="objective"/> on 0/1 labels <paramref name="truth"/> and scores <paramref name="p1"/>;
    /// among equally good thresholds the highest.</summary>
    /// <exception cref="KeelInputException">No threshold reaches a precision or recall target (the message names the best reached).</exception>
    public static ThresholdChoice Choose(int[] truth, double[] p1, ThresholdObjective objective)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(p1);
        ArgumentNullException.ThrowIfNull(objective);
        var order = Enumerable.Range(0, p1.Length).OrderByDescending(i => p1[i]).ToArray();
        double positives = truth.Count(t => t == 1);
        // Start above every score: nothing predicted positive.
        var best = Score(objective, 0, 0, positives, p1.Length) is { } none
            ? new ThresholdChoice(p1.Length == 0 ? 1 : Math.BitIncrement(p1.Max()), none, double.NaN, 0) : null;
        double bestPrecision = 0, bestRecall = 0;
        double tp = 0, fp = 0;
        for (var j = 0; j < order.Length; j++)
        {
            var i = order[j];
            if (truth[i] == 1) tp++;
            else fp++;
            if (j + 1 < order.Length && p1[order[j + 1]] == p1[i]) continue; // the threshold sits on a distinct score
            var precision = tp / (tp + fp);
            var recall = positives > 0 ? tp / positives : double.NaN;
            bestPrecision = Math.Max(bestPrecision, precision);
            bestRecall = Math.Max(bestRecall, double.IsNaN(recall) ? 0 : recall);
            if (Score(objective, tp, fp, positives, p1.Length) is { } v && (best is null || v > best.Value))
                best = new ThresholdChoice(p1[i], v, precision, recall);
        }
        if (best is null)
        {
            var reached = objective.Kind == "precision" ? bestPrecision : bestRecall;
            throw new KeelInputException($"evaluation.threshold: no threshold reaches {objective} on the {p1.Length} validation rows (the best is {reached.ToString("0.####", CultureInfo.InvariantCulture)}); expected a lower target.");
        }
        return objective.Kind == "costs" ? best with { Value = -best.Value / Math.Max(1, p1.Length) } : best;
    }

    /// <summary>Higher is better; null when the threshold does not qualify (a target not reached).</summary>
    private static double? Score(ThresholdObjective o, double tp, double fp, double positives, int rows)
    {
        var fn = positives - tp;
        switch (o.Kind)
        {
            case "f_beta":
            {
                var b2 = o.Value * o.Value;
                var denominator = (1 + b2) * tp + b2 * fn + fp;
                return denominator == 0 ? 0 : (1 + b2) * tp / denominator;
            }
            case "precision":
                return tp + fp > 0 && tp / (tp + fp) >= o.Value && positives > 0 ? tp / positives : null;
            case "recall":
                return positives > 0 && tp / positives >= o.Value ? (tp + fp > 0 ? tp / (tp + fp) : 0) : null;
            case "costs":
                return -(o.FalsePositiveCost * fp + o.FalseNegativeCost * fn);
            default:
                throw new ArgumentException($"Unknown threshold objective '{o.Kind}'.", nameof(o));
        }
    }
}
