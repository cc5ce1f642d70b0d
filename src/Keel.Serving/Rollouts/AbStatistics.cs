using MathNet.Numerics.Distributions;

namespace Keel.Serving.Rollouts;

/// <summary>
/// Sample sizes and verdicts of A/B tests (difference = challenger − champion, two-sided). Checked against SciPy in
/// tests/Keel.Serving.Tests/Fixtures/make_ab_fixtures.py.
/// </summary>
internal static class AbStatistics
{
    /// <summary>
    /// Outcomes per arm to detect a change of <paramref name="effect"/> in a success rate <paramref name="baseline"/> (two-proportion test,
    /// Fleiss without continuity correction): n = (z₁₋α/₂·√(2·p̄·q̄) + z₁₋β·√(p₁q₁ + p₂q₂))² / (p₂ − p₁)², p₂ = p₁ + effect (p₁ − effect when
    /// that would pass 1), p̄ = (p₁ + p₂)/2, rounded up.
    /// </summary>
    public static long SampleSizeBinary(double baseline, double effect, double alpha, double power)
    {
        var p1 = baseline;
        var p2 = p1 + effect < 1 ? p1 + effect : p1 - effect;
        if (p2 <= 0) throw new Keel.Core.KeelInputException($"A/B minimum effect {effect}: expected less than the distance from the baseline rate {baseline} to 0 or 1");
        var bar = (p1 + p2) / 2;
        var za = Normal.InvCDF(0, 1, 1 - alpha / 2);
        var zb = Normal.InvCDF(0, 1, power);
        var root = za * Math.Sqrt(2 * bar * (1 - bar)) + zb * Math.Sqrt(p1 * (1 - p1) + p2 * (1 - p2));
        return (long)Math.Ceiling(root * root / ((p2 - p1) * (p2 - p1)));
    }

    /// <summary>Outcomes per arm to detect a change of <paramref name="effect"/> in a mean with standard deviation σ: n = 2·(z₁₋α/₂ + z₁₋β)²·σ² / effect², rounded up.</summary>
    public static long SampleSizeNumeric(double sd, double effect, double alpha, double power)
    {
        var z = Normal.InvCDF(0, 1, 1 - alpha / 2) + Normal.InvCDF(0, 1, power);
        return (long)Math.Ceiling(2 * z * z * sd * sd / (effect * effect));
    }

    /// <summary>
    /// Two-proportion z-test with the pooled rate (as statsmodels' proportions_ztest): z = (p₂ − p₁) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)); the confidence
    /// interval is Wald's, unpooled: (p₂ − p₁) ± z₁₋α/₂·√(p₁q₁/n₁ + p₂q₂/n₂).
    /// </summary>
    public static AbVerdict TwoProportion(ArmSummary champion, ArmSummary challenger, double alpha)
    {
        double n1 = champion.Count, n2 = challenger.Count, p1 = champion.Mean, p2 = challenger.Mean;
        var pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
        var diff = p2 - p1;
        var se0 = Math.Sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
        var z = se0 > 0 ? diff / se0 : 0;
        var p = 2 * Normal.CDF(0, 1, -Math.Abs(z));
        var half = Normal.InvCDF(0, 1, 1 - alpha / 2) * Math.Sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2);
        return new AbVerdict("two-proportion z-test", diff, diff - half, diff + half, z, p, double.NaN, p < alpha);
    }

    /// <summary>
    /// Welch's t-test (as scipy.stats.ttest_ind(equal_var=False)): t = (m₂ − m₁) / √(s₁²/n₁ + s₂²/n₂), Welch–Satterthwaite degrees of
    /// freedom, interval (m₂ − m₁) ± t₁₋α/₂,df · se.
    /// </summary>
    public static AbVerdict Welch(ArmSummary champion, ArmSummary challenger, double alpha)
    {
        var a = champion.Variance / champion.Count;
        var b = challenger.Variance / challenger.Count;
        var se = Math.Sqrt(a + b);
        var diff = challenger.Mean - champion.Mean;
        var df = (a + b) * (a + b) / (a * a / (champion.Count - 1) + b * b / (challenger.Count - 1));
        var t = diff / se;
        var p = 2 * StudentT.CDF(0, 1, df, -Math.Abs(t));
        var half = StudentT.InvCDF(0, 1, df, 1 - alpha / 2) * se;
        return new AbVerdict("Welch's t-test", diff, diff - half, diff + half, t, p, df, p < alpha);
    }
}

/// <summary>Running count, mean and variance of one arm's outcomes (Welford's method: stable for long runs).</summary>
internal sealed class OutcomeTally
{
    private long _n;
    private double _mean;
    private double _m2;

    public void Add(double x)
    {
        _n++;
        var delta = x - _mean;
        _mean += delta / _n;
        _m2 += delta * (x - _mean);
    }

    public long Count => _n;

    /// <summary>Count, mean and sample variance (n − 1 denominator; NaN under two outcomes).</summary>
    public ArmSummary Summary() => new(_n, _n == 0 ? double.NaN : _mean, _n < 2 ? double.NaN : _m2 / (_n - 1));
}
