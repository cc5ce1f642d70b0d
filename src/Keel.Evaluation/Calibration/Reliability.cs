using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Calibration;

/// <summary>One non-empty bin of a reliability curve: mean predicted probability, observed share of positives, rows.</summary>
public sealed record ReliabilityBin(double MeanPredicted, double FractionPositive, int Count);

/// <summary>Reliability curves as scikit-learn 1.2's calibration_curve, and the expected calibration error.</summary>
public static class Reliability
{
    /// <summary>Bins of equal width ("uniform") or equal count ("quantile"), right-closed as np.searchsorted(edges[1:-1], p);
    /// empty bins are left out, as scikit-learn does.</summary>
    public static IReadOnlyList<ReliabilityBin> Curve(int[] truth, double[] p1, int bins = 10, string strategy = "uniform")
    {
        double[] edges;
        if (strategy == "quantile") edges = Percentile.Edges(p1.Order().ToArray(), bins);
        else if (strategy == "uniform")
        {
            edges = new double[bins + 1];
            for (var i = 0; i <= bins; i++) edges[i] = i == bins ? 1.0 : i * (1.0 / bins);
        }
        else throw new ArgumentException($"Unknown strategy '{strategy}'; expected uniform or quantile.", nameof(strategy));
        var inner = edges[1..^1];
        var sum = new double[edges.Length];
        var pos = new double[edges.Length];
        var count = new int[edges.Length];
        for (var i = 0; i < p1.Length; i++)
        {
            var b = Percentile.SearchLeft(inner, p1[i]);
            sum[b] += p1[i];
            pos[b] += truth[i];
            count[b]++;
        }
        return Enumerable.Range(0, edges.Length).Where(b => count[b] > 0)
            .Select(b => new ReliabilityBin(sum[b] / count[b], pos[b] / count[b], count[b])).ToArray();
    }

    /// <summary>Expected calibration error: the row-weighted mean of |fraction positive − mean predicted| over the bins of <see cref="Curve"/>.</summary>
    public static double ExpectedCalibrationError(IReadOnlyList<ReliabilityBin> curve)
    {
        var n = curve.Sum(b => b.Count);
        return n == 0 ? double.NaN : curve.Sum(b => b.Count * Math.Abs(b.FractionPositive - b.MeanPredicted)) / n;
    }
}
