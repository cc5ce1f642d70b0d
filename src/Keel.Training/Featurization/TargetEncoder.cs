using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Training.Featurization;

/// <summary>Target encoding as scikit-learn's TargetEncoder (1.3) defines it: a value becomes the smoothed mean of the target over
/// the training rows holding it; the training rows themselves get out-of-fold encodings, so a row's own label never shapes its feature.</summary>
/// <remarks>Folds are contiguous runs of the training rows (KFold without shuffling). Smoothing m gives (sum + m·prior) / (n + m);
/// "auto" gives λ·mean + (1 − λ)·prior with λ = n·var(y) / (n·var(y) + var(y | value)).</remarks>
internal static class TargetEncoder
{
    /// <summary>The targets the encoding averages: one column (regression value, or positive class as 0/1) or one per class.</summary>
    public static (double[][] Targets, IReadOnlyList<string> Outputs) Targets(EncodedLabels labels)
    {
        if (labels.Task == TaskKind.Regression) return ([labels.Values!], ["target"]);
        var classes = labels.ClassIndices!;
        if (labels.Task == TaskKind.Binary) return ([classes.Select(c => c == 1 ? 1d : 0d).ToArray()], ["target"]);
        var targets = new double[labels.Classes.Count][];
        for (var k = 0; k < targets.Length; k++)
        {
            var kk = k;
            targets[k] = classes.Select(c => c == kk ? 1d : 0d).ToArray();
        }
        return (targets, labels.Classes.Select(c => $"target={c}").ToArray());
    }

    /// <summary>The encodings learned from rows <paramref name="rows"/> (all rows when null).</summary>
    public static (Dictionary<string, double[]> Values, double[] Prior) Fit(ReadOnlySpan<string?> values, double[][] targets, double? smoothing, int[]? rows = null)
    {
        var n = rows?.Length ?? values.Length;
        var k = targets.Length;
        var prior = new double[k];
        var variance = new double[k];
        var stats = new Dictionary<string, (int Count, double[] Sum, double[] Squares)>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            var r = rows?[i] ?? i;
            var key = values[r] ?? TargetEncoding.MissingKey;
            if (!stats.TryGetValue(key, out var s)) s = (0, new double[k], new double[k]);
            for (var j = 0; j < k; j++)
            {
                var y = targets[j][r];
                s.Sum[j] += y;
                s.Squares[j] += y * y;
                prior[j] += y;
            }
            stats[key] = (s.Count + 1, s.Sum, s.Squares);
        }
        for (var j = 0; j < k; j++) prior[j] = n == 0 ? 0 : prior[j] / n;
        for (var i = 0; i < n; i++)
        {
            var r = rows?[i] ?? i;
            for (var j = 0; j < k; j++) variance[j] += (targets[j][r] - prior[j]) * (targets[j][r] - prior[j]);
        }
        for (var j = 0; j < k; j++) variance[j] = n == 0 ? 0 : variance[j] / n;

        var encodings = new Dictionary<string, double[]>(stats.Count, StringComparer.Ordinal);
        foreach (var (key, s) in stats)
        {
            var e = new double[k];
            for (var j = 0; j < k; j++)
            {
                var mean = s.Sum[j] / s.Count;
                if (smoothing is { } m)
                {
                    e[j] = (s.Sum[j] + m * prior[j]) / (s.Count + m);
                    continue;
                }
                var within = Math.Max(0, s.Squares[j] / s.Count - mean * mean);
                var lambda = variance[j] * s.Count / (variance[j] * s.Count + within);
                e[j] = double.IsNaN(lambda) ? prior[j] : lambda * mean + (1 - lambda) * prior[j];
            }
            encodings[key] = e;
        }
        return (encodings, prior);
    }

    /// <summary>The out-of-fold encodings of every training row: row r is encoded by what the other folds learned.</summary>
    /// <exception cref="KeelInputException">There are fewer training rows than folds.</exception>
    public static double[][] OutOfFold(ReadOnlySpan<string?> values, double[][] targets, int folds, double? smoothing, string column)
    {
        var n = values.Length;
        if (n < folds)
            throw new KeelInputException($"features: target encoding of '{column}' needs at least {folds} training rows for {folds} folds, got {n}; lower its folds.");
        var result = new double[n][];
        var start = 0;
        for (var f = 0; f < folds; f++)
        {
            // KFold's fold sizes: the first n % folds folds hold one row more.
            var size = n / folds + (f < n % folds ? 1 : 0);
            var rest = Enumerable.Range(0, start).Concat(Enumerable.Range(start + size, n - start - size)).ToArray();
            var (encodings, prior) = Fit(values, targets, smoothing, rest);
            for (var r = start; r < start + size; r++) result[r] = encodings.GetValueOrDefault(values[r] ?? TargetEncoding.MissingKey, prior);
            start += size;
        }
        return result;
    }
}
