using Keel.Core.Search;

namespace Keel.Search.Pruners;

/// <summary>Options of the percentile and median pruners; the defaults are Optuna's. Steps count from 1 (the first boosting
/// round), where Optuna's count from 0, so a warm-up of W steps lets pruning start at step W + 1 in both.</summary>
public sealed record MedianPrunerOptions
{
    /// <summary>Complete trials needed before any trial is pruned. Default 5.</summary>
    public int StartupTrials { get; init; } = 5;

    /// <summary>Steps a trial runs before it may be pruned. Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Pruning is considered every this many steps after the warm-up (at the first step reported in each interval).
    /// Default 1.</summary>
    public int IntervalSteps { get; init; } = 1;

    /// <summary>Complete trials that must have reported the step for a trial to be judged there. Default 1.</summary>
    public int MinTrials { get; init; } = 1;
}

/// <summary>Optuna's PercentilePruner (its MedianPruner at the 50th percentile): stops a trial whose best intermediate loss so far is
/// worse than the given percentile (linear interpolation, numpy's) of the complete trials' losses at the same step; a trial
/// whose losses are all not a number is stopped.</summary>
internal sealed class PercentilePruner(double percentile, MedianPrunerOptions options) : IPruner
{
    public bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> others)
    {
        var completed = others.Where(t => t.State == TrialState.Complete && t.Number != trial.Number).ToArray();
        if (completed.Length == 0 || completed.Length < options.StartupTrials) return false;
        if (!Steps.Judged(trial, step, options.WarmupSteps, options.IntervalSteps)) return false;
        var best = Steps.NanMin(trial.Intermediate.Values);
        if (double.IsNaN(best)) return true;
        var atStep = completed.Where(t => t.Intermediate.ContainsKey(step)).Select(t => t.Intermediate[step]).ToArray();
        if (atStep.Length < options.MinTrials) return false;
        var p = Percentile(atStep, percentile);
        return !double.IsNaN(p) && best > p;
    }

    /// <summary>numpy's nanpercentile with linear interpolation: NaN when every value is NaN.</summary>
    internal static double Percentile(IEnumerable<double> values, double q)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var at = q / 100 * (sorted.Length - 1);
        var below = (int)Math.Floor(at);
        var above = Math.Min(below + 1, sorted.Length - 1);
        var t = at - below;
        // numpy's _lerp: a + (b - a) t, and from the upper end when t >= 0.5, so the end points are exact.
        var diff = sorted[above] - sorted[below];
        return t >= 0.5 ? sorted[above] - diff * (1 - t) : sorted[below] + diff * t;
    }
}

/// <summary>Optuna's ThresholdPruner: stops a trial whose latest intermediate loss is not a number, below <c>lower</c> or above
/// <c>upper</c>.</summary>
internal sealed class ThresholdPruner(double lower, double upper, int warmupSteps, int intervalSteps) : IPruner
{
    public bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> others)
    {
        if (!Steps.Judged(trial, step, warmupSteps, intervalSteps) || !trial.Intermediate.TryGetValue(step, out var latest)) return false;
        return double.IsNaN(latest) || latest < lower || latest > upper;
    }
}

/// <summary>Optuna's PatientPruner: a trial whose best loss over its last <c>patience</c> + 1 steps is worse, by more than
/// <c>minDelta</c>, than its best before them has turned up; such a trial is stopped (with a wrapped pruner: when that pruner would
/// stop it too). A loss that stays level, or creeps down, is never stopped by it.</summary>
internal sealed class PatientPruner(IPruner? wrapped, int patience, double minDelta) : IPruner
{
    public bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> others)
    {
        var steps = trial.Intermediate.Keys.Order().ToArray();
        if (steps.Length <= patience + 1) return false;
        var before = Steps.NanMin(steps[..^(patience + 1)].Select(s => trial.Intermediate[s]));
        var after = Steps.NanMin(steps[^(patience + 1)..].Select(s => trial.Intermediate[s]));
        // As numpy: a comparison with NaN is false.
        if (!(before + minDelta < after)) return false;
        return wrapped?.ShouldPrune(trial, step, others) ?? true;
    }
}

/// <summary>Optuna's warm-up and interval rule, for steps counted from 1, and numpy's nanmin of losses.</summary>
internal static class Steps
{
    /// <summary>numpy's nanmin: the least value that is a number; NaN when there is none.</summary>
    public static double NanMin(IEnumerable<double> values) => values.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Min();

    /// <summary>Whether <paramref name="trial"/> is judged at <paramref name="step"/>: past the warm-up, and the first step it reported in
    /// its interval (Optuna's <c>_is_first_in_interval_step</c>, with Optuna's step = this step − 1).</summary>
    public static bool Judged(TrialRecord trial, int step, int warmupSteps, int intervalSteps)
    {
        var s = step - 1;
        if (s < warmupSteps) return false;
        var nearestLowerPruningStep = (s - warmupSteps) / intervalSteps * intervalSteps + warmupSteps;
        var secondLast = trial.Intermediate.Keys.Where(k => k != step).Select(k => k - 1).DefaultIfEmpty(-1).Max();
        return secondLast < nearestLowerPruningStep;
    }
}
