namespace Keel.Evaluation;

/// <summary>scikit-learn's _binary_clf_curve, roc_curve, precision_recall_curve and the areas under them.</summary>
internal static class BinaryCurves
{
    /// <summary>Cumulative false and true positives at each distinct score, scores descending (ties kept together).</summary>
    public static (double[] Fps, double[] Tps, double[] Thresholds) ClfCurve(int[] truth, double[] score)
    {
        // numpy: argsort(score, mergesort)[::-1] — ascending stable sort reversed, so among ties the later row comes first.
        var order = Enumerable.Range(0, score.Length).OrderBy(i => score[i]).ToArray();
        Array.Reverse(order);
        var fps = new List<double>();
        var tps = new List<double>();
        var thresholds = new List<double>();
        double tp = 0;
        for (var n = 0; n < order.Length; n++)
        {
            tp += truth[order[n]];
            var last = n == order.Length - 1;
            if (last || score[order[n + 1]] != score[order[n]])
            {
                tps.Add(tp);
                fps.Add(n + 1 - tp);
                thresholds.Add(score[order[n]]);
            }
        }
        return (fps.ToArray(), tps.ToArray(), thresholds.ToArray());
    }

    /// <summary>roc_curve with drop_intermediate=True; NaN rates when a class is absent.</summary>
    public static IReadOnlyList<CurvePoint> Roc(int[] truth, double[] score)
    {
        var (fps, tps, th) = ClfCurve(truth, score);
        var keep = new List<int>();
        for (var i = 0; i < fps.Length; i++)
        {
            // Keep the ends and every point where the curve bends (non-zero second difference).
            if (fps.Length <= 2 || i == 0 || i == fps.Length - 1
                || fps[i + 1] - 2 * fps[i] + fps[i - 1] != 0 || tps[i + 1] - 2 * tps[i] + tps[i - 1] != 0)
                keep.Add(i);
        }
        var fpMax = fps[^1];
        var tpMax = tps[^1];
        // scikit-learn 1.2 starts the curve at (0, 0) with threshold max + 1 (later versions use +inf).
        var points = new List<CurvePoint>(keep.Count + 1) { new(fpMax > 0 ? 0 : double.NaN, tpMax > 0 ? 0 : double.NaN, th[0] + 1) };
        foreach (var i in keep)
            points.Add(new CurvePoint(fpMax > 0 ? fps[i] / fpMax : double.NaN, tpMax > 0 ? tps[i] / tpMax : double.NaN, th[i]));
        return points;
    }

    /// <summary>precision_recall_curve: recall decreasing, with the final (recall 0, precision 1) point (threshold NaN).</summary>
    public static IReadOnlyList<CurvePoint> PrecisionRecall(int[] truth, double[] score)
    {
        var (fps, tps, th) = ClfCurve(truth, score);
        var points = new List<CurvePoint>(fps.Length + 1);
        for (var i = fps.Length - 1; i >= 0; i--)
        {
            var ps = tps[i] + fps[i];
            var precision = ps != 0 ? tps[i] / ps : 0;
            var recall = tps[^1] == 0 ? 1 : tps[i] / tps[^1];
            points.Add(new CurvePoint(recall, precision, th[i]));
        }
        points.Add(new CurvePoint(0, 1, double.NaN));
        return points;
    }

    /// <summary>Trapezoidal area under a curve given in order (numpy.trapz), sign-corrected for decreasing X.</summary>
    public static double Trapezoid(IReadOnlyList<CurvePoint> curve)
    {
        var area = 0.0;
        for (var i = 1; i < curve.Count; i++)
            area += (curve[i].X - curve[i - 1].X) * (curve[i].Y + curve[i - 1].Y) / 2.0;
        return Math.Abs(area);
    }

    /// <summary>average_precision_score: -sum(diff(recall) * precision[:-1]) over the PR curve.</summary>
    public static double AveragePrecision(IReadOnlyList<CurvePoint> pr)
    {
        var ap = 0.0;
        for (var i = 0; i < pr.Count - 1; i++) ap -= (pr[i + 1].X - pr[i].X) * pr[i].Y;
        return ap;
    }
}
