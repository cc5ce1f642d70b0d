using System.Numerics.Tensors;
using Keel.Training.Featurization;

namespace Keel.Training.Linear;

/// <summary>Ridge regression, min ||y - b - Zw||² + alpha ||w||², on standardised features Z (as scikit-learn's Ridge).</summary>
/// <remarks>Up to <see cref="MaxDirectWidth"/> features: normal equations and Cholesky, exact and one pass over the rows.
/// Wider: conjugate gradients on the same system, two passes over the rows per iteration, never forming Z'Z.
/// Rows are standardised as they are read, so the raw matrix can be shared with other candidates.</remarks>
internal static class RidgeSolver
{
    /// <summary>Widest feature count solved directly (a width² double matrix: 128 MB at 4096).</summary>
    public const int MaxDirectWidth = 4096;

    /// <summary>The intercept and the weights on standardised features; above <paramref name="directWidth"/> features, iteratively.</summary>
    public static RidgeState Fit(FeatureMatrix raw, FeaturizerState state, double[] y, double alpha, int maxIterations, int directWidth = MaxDirectWidth, double[]? weights = null)
    {
        var p = raw.Width;
        var n = raw.RowCount;
        var row = new float[p];
        var z = new double[p];
        var zSum = new double[p];
        var zy = new double[p];
        double ySum = 0;
        var gram = p <= directWidth ? new double[p * p] : null;
        // Weighted least squares (scikit-learn's sample_weight): every sum weights row r by weights[r]; total is their sum.
        double total = 0;
        for (var r = 0; r < n; r++)
        {
            var wr = weights?[r] ?? 1;
            if (wr == 0) continue;
            total += wr;
            Load(raw, state, r, row, z);
            ySum += wr * y[r];
            TensorPrimitives.MultiplyAdd(z, wr, zSum, zSum);
            TensorPrimitives.MultiplyAdd(z, wr * y[r], zy, zy);
            if (gram is null) continue;
            // Lower triangle only: row j gets w z[j] * z[0..j].
            for (var j = 0; j < p; j++)
            {
                if (z[j] == 0) continue;
                var g = gram.AsSpan(j * p, j + 1);
                TensorPrimitives.MultiplyAdd(z.AsSpan(0, j + 1), wr * z[j], g, g);
            }
        }
        var yMean = total == 0 ? 0 : ySum / total;
        var zMean = new double[p];
        if (total > 0) TensorPrimitives.Divide(zSum, total, zMean);
        // Centre: Zc'yc = Z'y - W zMean yMean; Zc'Zc = Z'Z - W zMean zMean' (W the total weight). The intercept is not penalised.
        var b = new double[p];
        for (var j = 0; j < p; j++) b[j] = zy[j] - total * zMean[j] * yMean;
        // A zero alpha would leave constant features singular; a tiny floor keeps the solve defined without changing the fit.
        var ridge = Math.Max(alpha, 1e-10 * Math.Max(1, n));
        var w = gram is not null
            ? Cholesky(gram, zMean, total, ridge, b)
            : ConjugateGradients(raw, state, zMean, ridge, b, maxIterations, weights);
        return new RidgeState(yMean - TensorPrimitives.Dot(w, zMean), w);
    }

    private static void Load(FeatureMatrix raw, FeaturizerState state, int r, float[] row, double[] z)
    {
        raw.CopyRow(r, row);
        if (state.Means is { } means && state.Scales is { } scales) Featurizer.Standardise(row, means, scales);
        for (var j = 0; j < row.Length; j++) z[j] = row[j];
    }

    private static double[] Cholesky(double[] a, double[] mean, double n, double ridge, double[] b)
    {
        var p = b.Length;
        for (var j = 0; j < p; j++)
        {
            for (var k = 0; k <= j; k++) a[j * p + k] -= n * mean[j] * mean[k];
            a[j * p + j] += ridge;
        }
        // In place: the lower triangle becomes L with L L' = A.
        for (var j = 0; j < p; j++)
        {
            var rowJ = a.AsSpan(j * p, j);
            var d = a[j * p + j] - TensorPrimitives.Dot(rowJ, rowJ);
            if (!(d > 0)) throw new InvalidOperationException($"Ridge normal equations are not positive definite at feature {j}.");
            var l = Math.Sqrt(d);
            a[j * p + j] = l;
            for (var i = j + 1; i < p; i++)
            {
                var s = a[i * p + j] - TensorPrimitives.Dot(a.AsSpan(i * p, j), rowJ);
                a[i * p + j] = s / l;
            }
        }
        var x = (double[])b.Clone();
        for (var i = 0; i < p; i++) x[i] = (x[i] - TensorPrimitives.Dot(a.AsSpan(i * p, i), x.AsSpan(0, i))) / a[i * p + i];
        for (var i = p - 1; i >= 0; i--)
        {
            var s = x[i];
            for (var k = i + 1; k < p; k++) s -= a[k * p + i] * x[k];
            x[i] = s / a[i * p + i];
        }
        return x;
    }

    private static double[] ConjugateGradients(FeatureMatrix raw, FeaturizerState state, double[] mean, double ridge, double[] b, int maxIterations, double[]? weights)
    {
        var p = b.Length;
        var w = new double[p];
        var r = (double[])b.Clone();
        var d = (double[])r.Clone();
        var q = new double[p];
        var rr = TensorPrimitives.Dot(r, r);
        var stop = 1e-20 * Math.Max(rr, 1e-300);
        var row = new float[p];
        var z = new double[p];
        for (var it = 0; it < maxIterations && rr > stop; it++)
        {
            // q = (Zc'Zc + ridge I) d in one pass over the rows, centring each row as it is read.
            Array.Clear(q);
            for (var i = 0; i < raw.RowCount; i++)
            {
                var wi = weights?[i] ?? 1;
                if (wi == 0) continue;
                Load(raw, state, i, row, z);
                TensorPrimitives.Subtract(z, mean, z);
                TensorPrimitives.MultiplyAdd(z, wi * TensorPrimitives.Dot(z, d), q, q);
            }
            TensorPrimitives.MultiplyAdd(d, ridge, q, q);
            var step = rr / TensorPrimitives.Dot(d, q);
            TensorPrimitives.MultiplyAdd(d, step, w, w);
            TensorPrimitives.MultiplyAdd(q, -step, r, r);
            var next = TensorPrimitives.Dot(r, r);
            TensorPrimitives.MultiplyAdd(d, next / rr, r, d);
            rr = next;
        }
        return w;
    }
}

/// <summary>A fitted ridge regression: prediction = Intercept + Weights · standardised features.</summary>
/// <param name="Intercept">The unpenalised intercept.</param>
/// <param name="Weights">One weight per feature slot, on the featurizer's standardised scale.</param>
internal sealed record RidgeState(double Intercept, double[] Weights);
