namespace Keel.Core.Models;

/// <summary>A map from a binary model's positive-class probability to a calibrated one (scikit-learn's sigmoid or isotonic calibration).</summary>
/// <param name="Method">"sigmoid" (p = 1 / (1 + exp(A·f + B))) or "isotonic" (linear interpolation through X, Y; scores outside clipped).</param>
/// <param name="A">Sigmoid slope; 0 for isotonic.</param>
/// <param name="B">Sigmoid intercept; 0 for isotonic.</param>
/// <param name="X">Isotonic knots (increasing scores); empty for sigmoid.</param>
/// <param name="Y">Isotonic values at <paramref name="X"/>; empty for sigmoid.</param>
public sealed record ProbabilityCalibration(string Method, double A, double B, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>The calibrated probability of score <paramref name="p1"/>.</summary>
    public double Apply(double p1)
    {
        if (Method == "sigmoid")
        {
            var x = -(A * p1 + B);
            return x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
        }
        if (X.Count == 1) return Y[0];
        var t = Math.Clamp(p1, X[0], X[^1]);
        // scipy's interp1d (linear): hi = searchsorted(x, t, 'left') clipped to 1..n-1, lo = hi - 1.
        int lo = 0, hi = X.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (X[mid] < t) lo = mid + 1;
            else hi = mid;
        }
        var h = Math.Clamp(lo, 1, X.Count - 1);
        var l = h - 1;
        var slope = (Y[h] - Y[l]) / (X[h] - X[l]);
        return Math.Min(1, slope * (t - X[l]) + Y[l]);
    }
}

/// <summary>How a binary model's probabilities become its answer, stored with the model: a calibration, then a decision threshold.</summary>
/// <remarks>Both are chosen on validation by <c>keel run</c> (spec <c>evaluation.calibrate</c> and <c>evaluation.threshold</c>); serving and
/// <c>keel predict</c> apply them because the loaded model does.</remarks>
public sealed record DecisionRule
{
    /// <summary>Applied to the positive-class probability first. Default null: none.</summary>
    public ProbabilityCalibration? Calibration { get; init; }

    /// <summary>The positive class is predicted when its (calibrated) probability is at least this. Default null: the larger probability wins.</summary>
    public double? Threshold { get; init; }

    /// <summary>What the threshold was chosen for, e.g. "f_beta 1" or "costs fp 1, fn 5". Default null.</summary>
    public string? Objective { get; init; }

    /// <summary>The predictions with the calibration applied (both columns) and the threshold attached.</summary>
    public Predictions Apply(Predictions predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.Probabilities is not { } probs || predictions.Classes.Count != 2) return predictions;
        var result = probs;
        if (Calibration is { } c)
        {
            result = new double[probs.Length][];
            for (var i = 0; i < probs.Length; i++)
            {
                var p1 = c.Apply(probs[i][1]);
                result[i] = [1 - p1, p1];
            }
        }
        return predictions with { Probabilities = result, Threshold = Threshold ?? predictions.Threshold };
    }
}
