namespace Keel.Monitoring.Performance;

/// <summary>Confidence-based performance estimation (as NannyML's CBPE) for a calibrated binary classifier, before labels arrive.</summary>
/// <remarks>A calibrated probability p is the chance that the row is positive, so every row adds p to the expected positives and
/// 1 − p to the expected negatives. At each threshold t the expected true positives are Σ p over rows with score ≥ t and the expected
/// false positives Σ (1 − p) over the same rows; the expected ROC curve through those points gives the estimated AUC. The estimated
/// accuracy is the mean chance that the predicted class (score &gt; 0.5 is positive, as the argmax) is right: p or 1 − p.
/// Only as good as the calibration: on an uncalibrated model or under concept drift the estimate is wrong, which is why it is
/// checked against realised performance once labels come.</remarks>
public static class Cbpe
{
    /// <summary>Estimated AUC from positive-class probabilities; NaN when fewer than two rows or all probabilities are 0 or all 1.</summary>
    public static double EstimatedAuc(IReadOnlyList<double> p1)
    {
        ArgumentNullException.ThrowIfNull(p1);
        var p = p1.Where(double.IsFinite).Select(v => Math.Clamp(v, 0, 1)).OrderDescending().ToArray();
        double positives = 0, negatives = 0;
        foreach (var v in p)
        {
            positives += v;
            negatives += 1 - v;
        }
        if (p.Length < 2 || positives <= 0 || negatives <= 0) return double.NaN;
        // Walk thresholds from the highest score down, one step per distinct score (ties move together, as roc_curve does).
        double tp = 0, fp = 0, prevTpr = 0, prevFpr = 0, area = 0;
        var i = 0;
        while (i < p.Length)
        {
            var j = i;
            while (j < p.Length && p[j] == p[i])
            {
                tp += p[j];
                fp += 1 - p[j];
                j++;
            }
            double tpr = tp / positives, fpr = fp / negatives;
            area += (fpr - prevFpr) * (tpr + prevTpr) / 2;
            (prevTpr, prevFpr) = (tpr, fpr);
            i = j;
        }
        return area;
    }

    /// <summary>Estimated accuracy at the argmax decision (positive when p &gt; 0.5); NaN for no rows.</summary>
    public static double EstimatedAccuracy(IReadOnlyList<double> p1)
    {
        ArgumentNullException.ThrowIfNull(p1);
        double sum = 0;
        var n = 0;
        foreach (var v in p1)
        {
            if (!double.IsFinite(v)) continue;
            var p = Math.Clamp(v, 0, 1);
            sum += p > 0.5 ? p : 1 - p;
            n++;
        }
        return n == 0 ? double.NaN : sum / n;
    }
}
