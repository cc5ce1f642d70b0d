using Keel.Core.Search;

namespace Keel.Search.Pruners;

/// <summary>Options of the median pruner; the defaults are Optuna's.</summary>
public sealed record MedianPrunerOptions
{
    /// <summary>Complete trials needed before any trial is pruned. Default 5.</summary>
    public int StartupTrials { get; init; } = 5;

    /// <summary>Steps a trial runs before it may be pruned. Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Pruning is considered every this many steps (after the warm-up). Default 1.</summary>
    public int IntervalSteps { get; init; } = 1;
}

/// <summary>Optuna's MedianPruner: stops a trial whose best intermediate loss so far is worse than the median of the complete
/// trials' losses at the same step.</summary>
internal sealed class MedianPruner(MedianPrunerOptions options) : IPruner
{
    public bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> others)
    {
        if (step <= options.WarmupSteps) return false;
        if (options.IntervalSteps > 1 && (step - options.WarmupSteps) % options.IntervalSteps != 0) return false;
        var completed = others.Where(t => t.State == TrialState.Complete && t.Number != trial.Number).ToArray();
        if (completed.Length < options.StartupTrials) return false;
        var atStep = completed.Where(t => t.Intermediate.ContainsKey(step)).Select(t => t.Intermediate[step]).Order().ToArray();
        if (atStep.Length == 0) return false;
        var best = trial.Intermediate.Where(kv => kv.Key <= step).Select(kv => kv.Value).DefaultIfEmpty(double.NaN).Min();
        if (double.IsNaN(best)) return true; // a trial whose loss is not a number is worse than any
        return best > Median(atStep);
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
}
