using Keel.Core.Data;

namespace Keel.Evaluation;

/// <summary>Regression metrics: rmse, mae, r2 (from two rows) and (when no label is 0) mape.</summary>
internal static class RegressionMetrics
{
    private const int MaxResiduals = 2000;

    public static Evaluation Evaluate(double[] truth, double[] predicted)
    {
        var n = truth.Length;
        double se = 0, ae = 0, ape = 0, mean = Sums.PairwiseSum(truth) / n, ss = 0;
        var anyZero = false;
        for (var i = 0; i < n; i++)
        {
            var d = truth[i] - predicted[i];
            se += d * d;
            ae += Math.Abs(d);
            ss += (truth[i] - mean) * (truth[i] - mean);
            if (truth[i] == 0) anyZero = true;
            else ape += Math.Abs(d) / Math.Max(Math.Abs(truth[i]), Sums.MachineEpsilon);
        }
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["rmse"] = Math.Sqrt(se / n),
            ["mae"] = ae / n,
        };
        // scikit-learn calls r2 undefined (NaN) on fewer than two rows; its force_finite makes a constant label give 1 for a perfect fit, else 0.
        if (n >= 2) metrics["r2"] = ss == 0 ? (se == 0 ? 1 : 0) : 1 - se / ss;
        if (!anyZero) metrics["mape"] = ape / n;
        var step = Math.Max(1, (int)Math.Ceiling(n / (double)MaxResiduals));
        var residuals = new List<(double, double)>();
        for (var i = 0; i < n; i += step) residuals.Add((truth[i], predicted[i]));
        return new Evaluation { Task = TaskKind.Regression, Metrics = metrics, Residuals = residuals };
    }
}
