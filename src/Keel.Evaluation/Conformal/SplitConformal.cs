using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Evaluation.Conformal;

/// <summary>Split-conformal confidence at a chosen coverage, calibrated on held-out rows and checked on test.</summary>
/// <remarks>Coverage: The coverage asked for (1 − alpha).</remarks>
/// <remarks>Quantile: The conformal score threshold: the ⌈(n + 1)(1 − alpha)⌉-th smallest calibration score (∞ when that exceeds n).</remarks>
/// <remarks>AchievedCoverage: Share of test rows whose interval or set holds the true value.</remarks>
/// <remarks>MeanSize: Regression: mean interval width (2 × quantile); classification: mean number of classes per set.</remarks>
/// <remarks>EmptySets: Classification: share of test rows with an empty set; 0 for regression.</remarks>
public sealed record ConformalResult(double Coverage, int CalibrationRows, double Quantile, double AchievedCoverage, double MeanSize, double EmptySets);

/// <summary>Split conformal prediction (Vovk; Lei et al. 2018): regression intervals ŷ ± q with score |y − ŷ|; classification sets
/// {c : 1 − p_c ≤ q} with score 1 − p(true class).</summary>
public static class SplitConformal
{
    /// <summary>Calibrates on (<paramref name="calibrationTruth"/>, <paramref name="calibration"/>) and measures on test.</summary>
    public static ConformalResult Evaluate(EncodedLabels calibrationTruth, Predictions calibration, EncodedLabels testTruth, Predictions test, double coverage)
    {
        if (coverage is <= 0 or >= 1) throw new ArgumentException("Coverage must be strictly between 0 and 1.", nameof(coverage));
        var scores = Scores(calibrationTruth, calibration);
        var q = Threshold(scores, coverage);
        if (testTruth.Task == TaskKind.Regression)
        {
            var t = testTruth.Values!;
            var p = test.Values!;
            var covered = t.Where((y, i) => Math.Abs(y - p[i]) <= q).Count();
            return new ConformalResult(coverage, scores.Length, q, (double)covered / t.Length, 2 * q, 0);
        }
        var truth = testTruth.ClassIndices!;
        var probs = test.Probabilities!;
        int hit = 0, empty = 0;
        long size = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            var set = Enumerable.Range(0, probs[i].Length).Where(c => 1 - probs[i][c] <= q).ToArray();
            size += set.Length;
            if (set.Length == 0) empty++;
            if (set.Contains(truth[i])) hit++;
        }
        return new ConformalResult(coverage, scores.Length, q, (double)hit / truth.Length, (double)size / truth.Length, (double)empty / truth.Length);
    }

    /// <summary>The nonconformity score of each calibration row.</summary>
    public static double[] Scores(EncodedLabels truth, Predictions p) => truth.Task == TaskKind.Regression
        ? truth.Values!.Select((y, i) => Math.Abs(y - p.Values![i])).ToArray()
        : truth.ClassIndices!.Select((c, i) => 1 - p.Probabilities![i][c]).ToArray();

    /// <summary>The ⌈(n + 1)·coverage⌉-th smallest score, or +∞ when there are too few rows for that coverage.</summary>
    public static double Threshold(double[] scores, double coverage)
    {
        var n = scores.Length;
        // The 1e-9 keeps (n + 1)·coverage = 91.00000000000001 from becoming 92 by rounding.
        var k = (int)Math.Ceiling((n + 1) * coverage - 1e-9);
        if (k > n || n == 0) return double.PositiveInfinity;
        return scores.Order().ElementAt(k - 1);
    }
}
