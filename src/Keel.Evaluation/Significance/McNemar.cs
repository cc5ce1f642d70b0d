namespace Keel.Evaluation.Significance;

/// <summary>McNemar's test for two classifiers' accuracy on the same rows, from the discordant counts.</summary>
/// <remarks>With fewer than <see cref="ExactBelow"/> discordant rows the exact binomial test is used
/// (p = min(1, 2·P(X ≤ min(b, c))), X ~ Binomial(b + c, 1/2)); otherwise the chi-square statistic with continuity correction
/// (|b − c| − 1)² / (b + c) on one degree of freedom, as statsmodels' mcnemar(exact=False, correction=True).</remarks>
internal static class McNemar
{
    /// <summary>Discordant-count threshold below which the exact test is used (the usual rule of thumb).</summary>
    public const int ExactBelow = 25;

    /// <summary>b = rows only A gets right, c = rows only B gets right; the p-value and which test gave it.</summary>
    public static (int OnlyA, int OnlyB, double PValue, string Method) Test(int[] truth, int[] predictedA, int[] predictedB)
    {
        int b = 0, c = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            var ra = predictedA[i] == truth[i];
            var rb = predictedB[i] == truth[i];
            if (ra && !rb) b++;
            else if (rb && !ra) c++;
        }
        return (b, c, PValue(b, c, out var method), method);
    }

    public static double PValue(int b, int c, out string method)
    {
        var n = b + c;
        if (n < ExactBelow)
        {
            method = "mcnemar_exact";
            return n == 0 ? 1 : Math.Min(1, 2 * Distributions.BinomialHalfCdf(Math.Min(b, c), n));
        }
        method = "mcnemar_chi2_cc";
        var d = Math.Abs(b - c) - 1.0;
        return Distributions.ChiSquare1Upper(d * d / n);
    }
}
