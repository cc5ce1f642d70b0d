namespace Keel.Evaluation.Calibration;

/// <summary>scikit-learn 1.2's IsotonicRegression(out_of_bounds='clip') as CalibratedClassifierCV(method='isotonic') fits it: ties in the
/// score averaged, pool-adjacent-violators, linear interpolation between the fitted points, scores outside the fitted range clipped.</summary>
internal sealed class IsotonicCalibration : ICalibrator
{
    private readonly double[] _x;
    private readonly double[] _y;

    private IsotonicCalibration(double[] x, double[] y) => (_x, _y) = (x, y);

    public string Method => "isotonic";

    public static IsotonicCalibration Fit(int[] truth, double[] score)
    {
        // Sorted by score, then label (np.lexsort((y, X))); equal scores merged into their mean label with their count as weight.
        var order = Enumerable.Range(0, score.Length).OrderBy(i => score[i]).ThenBy(i => truth[i]).ToArray();
        var xs = new List<double>();
        var ys = new List<double>();
        var ws = new List<double>();
        const double resolution = 1e-15; // np.finfo(float64).resolution, scikit-learn's _make_unique tolerance
        foreach (var i in order)
        {
            if (xs.Count > 0 && score[i] - xs[^1] < resolution)
            {
                ys[^1] += truth[i];
                ws[^1] += 1;
                continue;
            }
            xs.Add(score[i]);
            ys.Add(truth[i]);
            ws.Add(1);
        }
        var y = ys.Select((s, j) => s / ws[j]).ToArray();
        Pava(y, ws.ToArray());
        return new IsotonicCalibration(xs.ToArray(), y);
    }

    public Keel.Core.Models.ProbabilityCalibration State => new(Method, 0, 0, _x, _y);

    public double[] Apply(double[] p1)
    {
        var state = State;
        return p1.Select(state.Apply).ToArray();
    }

    /// <summary>scikit-learn's _inplace_contiguous_isotonic_regression, step for step.</summary>
    private static void Pava(double[] y, double[] w)
    {
        var n = y.Length;
        var target = Enumerable.Range(0, n).ToArray();
        var i = 0;
        while (i < n)
        {
            var k = target[i] + 1;
            if (k == n) break;
            if (y[i] < y[k])
            {
                i = k;
                continue;
            }
            double sumWy = w[i] * y[i], sumW = w[i];
            while (true)
            {
                var prevY = y[k];
                sumWy += w[k] * y[k];
                sumW += w[k];
                k = target[k] + 1;
                if (k == n || prevY < y[k])
                {
                    y[i] = sumWy / sumW;
                    w[i] = sumW;
                    target[i] = k - 1;
                    target[k - 1] = i;
                    if (i > 0) i = target[i - 1];
                    break;
                }
            }
        }
        i = 0;
        while (i < n)
        {
            var k = target[i] + 1;
            for (var j = i + 1; j < k; j++) y[j] = y[i];
            i = k;
        }
    }
}
