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
