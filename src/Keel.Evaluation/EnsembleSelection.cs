using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Core.Models;

namespace Keel.Evaluation;

/// <summary>Ensemble selection (Caruana, Niculescu-Mizil, Crew and Ksikes 2004; AutoGluon's WeightedEnsemble, auto-sklearn's
/// ensemble builder): greedy forward selection with replacement over candidates' predictions of the same rows, maximising a metric
/// of their plain mean; a candidate picked c times weighs c.</summary>
/// <remarks>Each step adds the candidate whose addition gives the best metric (ties: the earlier candidate); after <see cref="Steps"/>
/// steps the counts of the best step (ties: the earliest, so the fewest picks) are returned. The first step picks the best single
/// candidate, so the result is never worse on these rows than the best candidate alone.</remarks>
public static class EnsembleSelection
{
    /// <summary>Greedy steps (AutoGluon's and auto-sklearn's default ensemble size). Default 25.</summary>
    public const int Steps = 25;

    /// <summary>How many times each of <paramref name="members"/> is picked (its integer weight) to maximise <paramref name="metric"/>
    /// (or minimise it, for errors) of the weighted mean of their predictions against <paramref name="truth"/>; null when no mix
    /// has a finite metric.</summary>
    /// <param name="members">Each candidate's predictions of the same rows as <paramref name="truth"/>.</param>
    /// <param name="truth">The rows' labels.</param>
    /// <param name="metric">A metric of <see cref="MetricCatalog"/> that applies to the task.</param>
    /// <param name="steps">Greedy steps (the counts sum to at most this).</param>
    public static int[]? Choose(IReadOnlyList<Predictions> members, EncodedLabels truth, string metric, int steps = Steps)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var info = MetricCatalog.Get(metric);
        var counts = new int[members.Count];
        int[]? best = null;
        var bestScore = double.NaN;
        for (var step = 0; step < steps; step++)
        {
            var pick = -1;
            var pickScore = double.NaN;
            for (var m = 0; m < members.Count; m++)
            {
                counts[m]++;
                var score = Score(members, counts, truth, metric);
                counts[m]--;
                if (double.IsFinite(score) && (pick < 0 || info.IsBetter(score, pickScore))) (pick, pickScore) = (m, score);
            }
            if (pick < 0) break;
            counts[pick]++;
            if (best is null || info.IsBetter(pickScore, bestScore)) (best, bestScore) = ((int[])counts.Clone(), pickScore);
        }
        return best;
    }

    /// <summary>The metric of the members' mean (<see cref="PredictionBlend"/>) weighted by <paramref name="weights"/> against <paramref name="truth"/>; NaN where undefined.</summary>
    public static double Score(IReadOnlyList<Predictions> members, IReadOnlyList<int> weights, EncodedLabels truth, string metric) =>
        Evaluator.Evaluate(truth, PredictionBlend.WeightedMean(members, weights.Select(w => (double)w).ToArray())).Metrics.TryGetValue(metric, out var v) ? v : double.NaN;
}
