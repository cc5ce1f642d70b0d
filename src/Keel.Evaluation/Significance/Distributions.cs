using MathNet.Numerics;

namespace Keel.Evaluation.Significance;

/// <summary>The tail probabilities the tests need, from MathNet's special functions.</summary>
internal static class Distributions
{
    /// <summary>P(|Z| ≥ |z|) for a standard normal Z (two-sided).</summary>
    public static double NormalTwoSided(double z) => SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2));

    /// <summary>P(Z ≥ z) for a standard normal Z (one-sided, upper).</summary>
    public static double NormalUpper(double z) => 0.5 * SpecialFunctions.Erfc(z / Math.Sqrt(2));

    /// <summary>P(X ≥ x) for a chi-square X with one degree of freedom (SciPy's chi2.sf(x, 1)).</summary>
    public static double ChiSquare1Upper(double x) => x <= 0 ? 1 : SpecialFunctions.Erfc(Math.Sqrt(x / 2));

    /// <summary>P(X ≤ k) for X ~ Binomial(n, 1/2), summed exactly in doubles (n is small where it is used).</summary>
    public static double BinomialHalfCdf(int k, int n)
    {
        var sum = 0.0;
        var c = 1.0;
        for (var i = 0; i <= k; i++)
        {
            sum += c;
            c = c * (n - i) / (i + 1);
        }
        return sum / Math.Pow(2, n);
    }
}
