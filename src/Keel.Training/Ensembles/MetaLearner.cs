using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Training.Ensembles;

/// <summary>The stacking meta-learner: L2 logistic regression (softmax over the classes, as scikit-learn's LogisticRegression with
/// C = 1 / l2) for classification, ridge on standardised inputs (as scikit-learn's Ridge with alpha = l2) for regression.</summary>
/// <remarks>Few inputs (a handful per member), so Newton's method on the exact Hessian converges in a few steps, deterministically.</remarks>
internal static class MetaLearner
{
    private const int MaxIterations = 100;

    /// <summary>Fits the meta-learner on meta-feature rows <paramref name="x"/> and their labels.</summary>
    public static MetaState Fit(double[][] x, EncodedLabels labels, double l2) =>
        labels.Task == TaskKind.Regression ? Ridge(x, labels.Values!, l2) : Softmax(x, labels.ClassIndices!, labels.Classes.Count, l2);

    /// <summary>The meta-learner's predictions for meta-feature rows <paramref name="x"/>.</summary>
    public static Predictions Predict(MetaState meta, double[][] x, TaskKind task, IReadOnlyList<string> classes)
    {
        if (task == TaskKind.Regression)
            return new Predictions { Task = task, Values = x.Select(row => Linear(meta.Intercepts[0], meta.Coefficients[0], row)).ToArray() };
        var p = new double[x.Length][];
        for (var i = 0; i < x.Length; i++)
        {
            p[i] = new double[classes.Count];
            Probabilities(meta.Intercepts, meta.Coefficients, x[i], p[i]);
        }
        return new Predictions { Task = task, Classes = classes, Probabilities = p };
    }

    private static double Linear(double intercept, double[] w, double[] row)
    {
        var s = intercept;
        for (var j = 0; j < w.Length; j++) s += w[j] * row[j];
        return s;
    }

    private static void Probabilities(double[] b, double[][] w, double[] row, double[] p)
    {
        var max = double.NegativeInfinity;
        for (var k = 0; k < p.Length; k++) max = Math.Max(max, p[k] = Linear(b[k], w[k], row));
        double sum = 0;
        for (var k = 0; k < p.Length; k++) sum += p[k] = Math.Exp(p[k] - max);
        for (var k = 0; k < p.Length; k++) p[k] /= sum;
    }

    private static MetaState Softmax(double[][] x, int[] y, int classes, double l2)
    {
        var d = x.Length == 0 ? 0 : x[0].Length;
        var width = d + 1;
        var size = classes * width;
        var theta = new double[size];
        var p = new double[classes];
        double Loss(double[] t)
        {
            var (b, w) = Unpack(t, classes, d);
            double loss = 0;
            for (var i = 0; i < x.Length; i++)
            {
                Probabilities(b, w, x[i], p);
                loss -= Math.Log(Math.Max(p[y[i]], 1e-300));
            }
            for (var k = 0; k < classes; k++) loss += 0.5 * l2 * w[k].Sum(v => v * v);
            return loss;
        }
        var current = Loss(theta);
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var (b, w) = Unpack(theta, classes, d);
            var grad = new double[size];
            var hessian = new double[size, size];
            var z = new double[width];
            for (var i = 0; i < x.Length; i++)
            {
                Probabilities(b, w, x[i], p);
                z[0] = 1;
                Array.Copy(x[i], 0, z, 1, d);
                for (var k = 0; k < classes; k++)
                {
                    var r = p[k] - (y[i] == k ? 1 : 0);
                    for (var a = 0; a < width; a++) grad[k * width + a] += r * z[a];
                    for (var l = k; l < classes; l++)
                    {
                        var c = p[k] * ((k == l ? 1 : 0) - p[l]);
                        for (var a = 0; a < width; a++)
                        {
                            for (var e = 0; e < width; e++) hessian[k * width + a, l * width + e] += c * z[a] * z[e];
                        }
                    }
                }
            }
            for (var k = 0; k < classes; k++)
            {
                for (var l = k + 1; l < classes; l++)
                {
                    for (var a = 0; a < width; a++)
                    {
                        for (var e = 0; e < width; e++) hessian[l * width + e, k * width + a] = hessian[k * width + a, l * width + e];
                    }
                }
                // Intercepts are not penalised; the tiny ridge fixes the softmax's one free direction (a shift of every intercept).
                hessian[k * width, k * width] += 1e-8;
                for (var a = 1; a < width; a++)
                {
                    grad[k * width + a] += l2 * theta[k * width + a];
                    hessian[k * width + a, k * width + a] += l2;
                }
            }
            var step = DenseSolver.Solve(hessian, grad);
            var slope = grad.Select((g, j) => g * step[j]).Sum();
            if (slope <= 1e-12 * Math.Max(1, Math.Abs(current))) break;
            // Backtracking (Armijo) line search along the Newton direction.
            var t = 1.0;
            double[] next;
            double nextLoss;
            while (true)
            {
                next = theta.Select((v, j) => v - t * step[j]).ToArray();
                nextLoss = Loss(next);
                if (nextLoss <= current - 1e-4 * t * slope || t < 1e-10) break;
                t /= 2;
            }
            if (nextLoss > current) break;
            var done = current - nextLoss <= 1e-13 * Math.Max(1, Math.Abs(current));
            (theta, current) = (next, nextLoss);
            if (done) break;
        }
        var (bs, ws) = Unpack(theta, classes, d);
        return new MetaState(bs, ws);
    }

    private static (double[] B, double[][] W) Unpack(double[] theta, int classes, int d)
    {
        var b = new double[classes];
        var w = new double[classes][];
        for (var k = 0; k < classes; k++)
        {
            b[k] = theta[k * (d + 1)];
            w[k] = theta.AsSpan(k * (d + 1) + 1, d).ToArray();
        }
        return (b, w);
    }

    private static MetaState Ridge(double[][] x, double[] y, double alpha)
    {
        var n = x.Length;
        var d = n == 0 ? 0 : x[0].Length;
        var mean = new double[d];
        var scale = new double[d];
        for (var j = 0; j < d; j++)
        {
            mean[j] = x.Average(r => r[j]);
            var sd = Math.Sqrt(x.Sum(r => (r[j] - mean[j]) * (r[j] - mean[j])) / Math.Max(1, n));
            scale[j] = sd > 0 ? sd : 1;
        }
        var yMean = n == 0 ? 0 : y.Average();
        var gram = new double[d, d];
        var rhs = new double[d];
        var z = new double[d];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < d; j++) z[j] = (x[i][j] - mean[j]) / scale[j];
            for (var j = 0; j < d; j++)
            {
                rhs[j] += z[j] * (y[i] - yMean);
                for (var e = 0; e < d; e++) gram[j, e] += z[j] * z[e];
            }
        }
        for (var j = 0; j < d; j++) gram[j, j] += alpha;
        var wz = DenseSolver.Solve(gram, rhs);
        var w = wz.Select((v, j) => v / scale[j]).ToArray();
        var intercept = yMean - w.Select((v, j) => v * mean[j]).Sum();
        return new MetaState([intercept], [w]);
    }
}
