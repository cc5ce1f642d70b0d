namespace Keel.Training.Featurization;

/// <summary>The statistics numeric transforms are fitted with, defined as scikit-learn and NumPy define them (percentiles by
/// linear interpolation, population standard deviation, the smallest of tied modes).</summary>
public static class ColumnStatistics
{
    /// <summary>The fill value of imputation <paramref name="impute"/> (mean, median, most_frequent; null means median) over the
    /// finite <paramref name="sorted"/> values (ascending); <paramref name="constant"/> for constant; 0 when there are no values.</summary>
    public static double Fill(string? impute, ReadOnlySpan<double> sorted, double constant = 0)
    {
        if (impute == "constant") return constant;
        if (sorted.Length == 0) return 0;
        return impute switch
        {
            "mean" => Mean(sorted),
            "most_frequent" => MostFrequent(sorted),
            _ => Median(sorted),
        };
    }

    /// <summary>The median of the ascending <paramref name="sorted"/> values (the mean of the middle two when even).</summary>
    public static double Median(ReadOnlySpan<double> sorted)
    {
        if (sorted.Length == 0) return 0;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>The ascending values scalers and bins are fitted on: missing values become <paramref name="fill"/> and infinities
    /// the finite extremes <paramref name="min"/> and <paramref name="max"/>, as a scikit-learn Pipeline(SimpleImputer, scaler) sees them.</summary>
    public static double[] Imputed(ReadOnlySpan<double> values, double fill, double min, double max)
    {
        var imputed = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            imputed[i] = double.IsNaN(v) ? fill : double.IsPositiveInfinity(v) ? max : double.IsNegativeInfinity(v) ? min : v;
        }
        Array.Sort(imputed);
        return imputed;
    }

    /// <summary>The mean of <paramref name="values"/>.</summary>
    public static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (var v in values) sum += v;
        return values.Length == 0 ? 0 : sum / values.Length;
    }

    /// <summary>The population standard deviation (ddof 0) of <paramref name="values"/> around <paramref name="mean"/>.</summary>
    public static double StandardDeviation(ReadOnlySpan<double> values, double mean)
    {
        double sum = 0;
        foreach (var v in values) sum += (v - mean) * (v - mean);
        return values.Length == 0 ? 0 : Math.Sqrt(sum / values.Length);
    }

    /// <summary>The most frequent of the ascending <paramref name="sorted"/> values; ties go to the smallest, as SimpleImputer.</summary>
    public static double MostFrequent(ReadOnlySpan<double> sorted)
    {
        double best = sorted[0];
        int bestCount = 0, run = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            run = i > 0 && sorted[i] == sorted[i - 1] ? run + 1 : 1;
            if (run > bestCount)
            {
                bestCount = run;
                best = sorted[i];
            }
        }
        return best;
    }

    /// <summary>What scaling <paramref name="scale"/> (standard, minmax, robust) subtracts and divides by, fitted on the ascending
    /// <paramref name="sorted"/> values; a spread that is (nearly) zero becomes 1, as scikit-learn's _handle_zeros_in_scale.
    /// Null for an unknown scale.</summary>
    public static (double Center, double Spread)? ScaleOf(string scale, ReadOnlySpan<double> sorted)
    {
        (double Center, double Spread)? result = scale switch
        {
            "standard" => (Mean(sorted), StandardDeviation(sorted, Mean(sorted))),
            "minmax" => (sorted[0], sorted[^1] - sorted[0]),
            "robust" => (Median(sorted), Percentile(sorted, 75) - Percentile(sorted, 25)),
            _ => null,
        };
        return result is { } r && r.Spread < 10 * MachineEpsilon ? (r.Center, 1) : result;
    }

    // numpy.finfo(float64).eps, not double.Epsilon (the smallest subnormal).
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>NumPy's linear-interpolation percentile <paramref name="q"/> (0..100) of the ascending <paramref name="sorted"/> values.</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double q)
    {
        // NumPy's virtual index for the linear method (alpha = beta = 1), written as NumPy computes it.
        var p = q / 100;
        var index = sorted.Length * p + (1 + p * -1) - 1;
        var lo = (int)Math.Floor(index);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        var t = index - lo;
        var (a, b) = (sorted[lo], sorted[hi]);
        var diff = b - a;
        // NumPy's _lerp: from the nearer end, so the result is exact at both ends.
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }
}
