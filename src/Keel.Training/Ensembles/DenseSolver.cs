namespace Keel.Training.Ensembles;

/// <summary>Solves small symmetric positive-definite systems by Cholesky decomposition.</summary>
internal static class DenseSolver
{
    /// <summary>x with A x = b; A is symmetric positive definite (a tiny ridge is added when rounding makes it not quite so).</summary>
    public static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        for (var jitter = 0.0; ; jitter = jitter == 0 ? 1e-10 : jitter * 100)
        {
            var l = new double[n, n];
            var ok = true;
            for (var j = 0; j < n && ok; j++)
            {
                var s = a[j, j] + jitter;
                for (var k = 0; k < j; k++) s -= l[j, k] * l[j, k];
                if (s <= 0 || !double.IsFinite(s))
                {
                    ok = false;
                    break;
                }
                l[j, j] = Math.Sqrt(s);
                for (var i = j + 1; i < n; i++)
                {
                    var t = a[i, j];
                    for (var k = 0; k < j; k++) t -= l[i, k] * l[j, k];
                    l[i, j] = t / l[j, j];
                }
            }
            if (!ok)
            {
                if (jitter > 1e6) throw new InvalidOperationException("The meta-learner's system is not positive definite.");
                continue;
            }
            var y = new double[n];
            for (var i = 0; i < n; i++)
            {
                var t = b[i];
                for (var k = 0; k < i; k++) t -= l[i, k] * y[k];
                y[i] = t / l[i, i];
            }
            var x = new double[n];
            for (var i = n - 1; i >= 0; i--)
            {
                var t = y[i];
                for (var k = i + 1; k < n; k++) t -= l[k, i] * x[k];
                x[i] = t / l[i, i];
            }
            return x;
        }
    }
}
