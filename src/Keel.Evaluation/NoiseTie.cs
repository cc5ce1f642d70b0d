using Keel.Core.Metrics;

namespace Keel.Evaluation;

/// <summary>One candidate as the noise-tie rule sees it: its family, fold scores of the selection metric, and its costs.</summary>
/// <param name="Type">Trainer type (random, zero_rule, heuristic, linear, fasttree, lightgbm, fastforest, or another family).</param>
/// <param name="FoldScores">The selection metric on each cross-validation fold, in fold order (every candidate the same folds).</param>
/// <param name="PredictUsPerRow">Measured prediction latency.</param>
/// <param name="ModelBytes">Size of the saved model.</param>
public sealed record TieCandidate(string Type, IReadOnlyList<double> FoldScores, double PredictUsPerRow, long ModelBytes);

/// <summary>The noise-tie verdict: the best candidate by mean, the candidates within noise of it, and the one chosen among them.</summary>
/// <param name="Best">Index of the best candidate by mean fold score.</param>
/// <param name="Chosen">Index of the candidate chosen: the simplest of <paramref name="Tied"/> by <see cref="NoiseTie.Prefer"/>.</param>
/// <param name="Tied">Indices within noise of the best, the best included, best first; one entry when there is no tie.</param>
/// <param name="Detail">A sentence for the leaderboard saying what was compared and why the chosen one.</param>
public sealed record TieVerdict(int Best, int Chosen, IReadOnlyList<int> Tied, string Detail);

/// <summary>Says when the top candidates are within noise of each other and then prefers the simpler, faster, smaller one.</summary>
/// <remarks>
/// A candidate ties with the best when the mean of its paired per-fold differences from the best is at most one standard error of that
/// difference (sd of the differences / √k): the gap is smaller than the fold-to-fold noise of the gap itself; and when the gap is
/// also at most the price the rule may pay for simplicity (<see cref="WithinLossCap"/>): with five folds one erratic fold can make the
/// standard error as large as a real gap, and the one-standard-error rule alone then gave up 12 % rmse. Among the tied, a candidate
/// that another tied one beats on both costs (<see cref="Dominated"/>: more than <see cref="LatencyTolerance"/> times slower to predict
/// and larger) is passed over; among the rest the preference is: the simpler family (<see cref="Complexity"/>), then the lower predict
/// latency (within a factor <see cref="LatencyTolerance"/> counted equal), then the smaller model, then spec order.
/// </remarks>
public static class NoiseTie
{
    /// <summary>Family complexity, simplest first: baselines 0, linear 1, single-ensemble trees (fasttree, fastforest, random_forest, lightgbm) 2, any
    /// other family (e.g. ensembles of candidates) 3.</summary>
    public static int Complexity(string type) => type.ToLowerInvariant() switch
    {
        "random" or "zero_rule" or "heuristic" => 0,
        "linear" => 1,
        "fasttree" or "fastforest" or "random_forest" or "lightgbm" => 2,
        _ => 3,
    };

    /// <summary>The verdict over <paramref name="candidates"/> (in spec order) for <paramref name="metric"/>; candidates whose fold scores are
    /// not all finite never win or tie. Null when no candidate has finite scores on every fold.</summary>
    public static TieVerdict? Decide(IReadOnlyList<TieCandidate> candidates, string metric)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var higher = MetricCatalog.Get(metric).HigherIsBetter;
        double? Mean(int i) => candidates[i].FoldScores.Count > 0 && candidates[i].FoldScores.All(double.IsFinite) ? candidates[i].FoldScores.Average() : null;
        var ranked = CandidateOrder.Rank(Enumerable.Range(0, candidates.Count).ToArray(), Mean, higher);
        var best = ranked[0];
        if (Mean(best) is null) return null;
        var tied = ranked.Where(i => Mean(i) is not null && (i == best || (WithinNoise(candidates[best].FoldScores, candidates[i].FoldScores)
            && WithinLossCap(Mean(best)!.Value, Mean(i)!.Value, higher)))).ToList();
        var chosen = Prefer(tied.Select(i => candidates[i]).ToArray(), tied);
        var name = candidates[best].Type;
        string detail;
        if (tied.Count == 1) detail = $"no candidate within one standard error of the paired fold differences from the best ({name}) and within the loss cap";
        else
        {
            // Prefer keeps the simplest family unless it was passed over, so a simpler tied family means one was.
            var simplerPassedOver = tied.Min(i => Complexity(candidates[i].Type)) < Complexity(candidates[chosen].Type);
            var why = simplerPassedOver
                ? $"{string.Join(", ", tied.Where(i => Dominated(candidates[i], tied.Select(j => candidates[j]))).Select(i => candidates[i].Type))} passed over: slower to predict and larger than another tied candidate"
                : chosen == best ? "the best is also the simplest"
                : Complexity(candidates[chosen].Type) < Complexity(candidates[best].Type) ? "simpler family"
                : candidates[chosen].PredictUsPerRow * LatencyTolerance < candidates[best].PredictUsPerRow ? "faster to predict"
                : "smaller model";
            detail = $"{tied.Count} candidates within noise of the best (|mean paired difference| ≤ one standard error over {candidates[best].FoldScores.Count} folds); chose {(simplerPassedOver ? "the simplest of the rest" : "the simplest")} ({why})";
        }
        return new TieVerdict(best, chosen, tied, detail);
    }

    /// <summary>Whether <paramref name="other"/>'s gap to <paramref name="best"/> is within one standard error of the paired fold differences.</summary>
    public static bool WithinNoise(IReadOnlyList<double> best, IReadOnlyList<double> other)
    {
        ArgumentNullException.ThrowIfNull(best);
        ArgumentNullException.ThrowIfNull(other);
        if (best.Count != other.Count || best.Count < 2) return false;
        var d = best.Zip(other, (a, b) => a - b).ToArray();
        var mean = d.Average();
        var se = Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / (d.Length - 1) / d.Length);
        // A relative tolerance so identical candidates (every difference 0, or rounding noise) tie.
        return Math.Abs(mean) <= se + 1e-12 * Math.Max(1, best.Max(Math.Abs));
    }

    /// <summary>The most a tie may give up on a higher-is-better score (auc, accuracy, f1, r2; bounded by 1): 0.005 below the best mean.</summary>
    public const double MaxScoreLoss = 0.005;

    /// <summary>The most a tie may give up on a lower-is-better error (rmse, mae, log_loss): 1 % above the best mean.</summary>
    public const double MaxRelativeErrorLoss = 0.01;

    /// <summary>Whether <paramref name="other"/>'s mean is close enough to <paramref name="best"/>'s that choosing it for simplicity costs
    /// at most <see cref="MaxScoreLoss"/> (higher-is-better scores) or <see cref="MaxRelativeErrorLoss"/> of the best (errors).</summary>
    public static bool WithinLossCap(double best, double other, bool higherIsBetter) => higherIsBetter
        ? best - other <= MaxScoreLoss + 1e-12
        : other - best <= MaxRelativeErrorLoss * Math.Abs(best) + 1e-12 * Math.Max(1, Math.Abs(best));

    /// <summary>Predict latencies within this factor of the fastest count as equal (timings vary from run to run); size decides among them.</summary>
    public const double LatencyTolerance = 1.5;

    /// <summary>Whether another of <paramref name="tied"/> beats <paramref name="candidate"/> on both costs: it predicts more than
    /// <see cref="LatencyTolerance"/> times faster and its model is smaller. A simpler family is no simplification then (a forest of
    /// hundreds of deep trees against a small ensemble of boosted trees and a linear model).</summary>
    public static bool Dominated(TieCandidate candidate, IEnumerable<TieCandidate> tied)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(tied);
        return tied.Any(o => o.PredictUsPerRow * LatencyTolerance < candidate.PredictUsPerRow && o.ModelBytes < candidate.ModelBytes);
    }

    /// <summary>The preferred of <paramref name="tied"/> (their indices in <paramref name="indices"/>): of those no other tied candidate
    /// beats on both costs (<see cref="Dominated"/>), the simplest family; among those, the ones predicting within
    /// <see cref="LatencyTolerance"/> of the fastest; among those the smallest model; then the earlier index.</summary>
    public static int Prefer(IReadOnlyList<TieCandidate> tied, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(tied);
        ArgumentNullException.ThrowIfNull(indices);
        // Dominance is a strict order (irreflexive and transitive), so some candidate always stays.
        var open = Enumerable.Range(0, tied.Count).Where(i => !Dominated(tied[i], tied)).ToArray();
        var simplest = open.Min(i => Complexity(tied[i].Type));
        var pool = open.Where(i => Complexity(tied[i].Type) == simplest).ToArray();
        var fastest = pool.Min(i => tied[i].PredictUsPerRow);
        return pool.Where(i => tied[i].PredictUsPerRow <= fastest * LatencyTolerance)
            .OrderBy(i => tied[i].ModelBytes).ThenBy(i => indices[i]).Select(i => indices[i]).First();
    }
}
