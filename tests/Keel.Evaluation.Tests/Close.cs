namespace Keel.Evaluation.Tests;

/// <summary>The tolerance the fixtures promise: 1e-9 relative, or 1e-12 absolute for values near zero.</summary>
internal static class Close
{
    public static void Equal(double expected, double actual, string what)
    {
        var ok = expected == actual
            || Math.Abs(expected - actual) <= 1e-12
            || Math.Abs(expected - actual) <= 1e-9 * Math.Abs(expected);
        Assert.True(ok, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
