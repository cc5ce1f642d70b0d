using Keel.Core.Search;

namespace Keel.Search.Pruners;

/// <summary>Decides whether a running trial should stop, from snapshots of it and of the other trials of its group. Intermediate
/// values are losses: lower is better (e.g. validation log loss or RMSE after each boosting round).</summary>
public interface IPruner
{
    /// <summary>Whether <paramref name="trial"/>, having just reported <paramref name="step"/>, should stop now.</summary>
    bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> others);
}

/// <summary>A pruner that shows each trial's sampler only part of the history (Hyperband: the trial's bracket, as Optuna's
/// <c>_filter_study</c>).</summary>
public interface ISamplerView
{
    /// <summary>What the sampler of trial <paramref name="trial"/> is shown of <paramref name="trials"/>.</summary>
    IReadOnlyList<TrialRecord> Seen(int trial, IReadOnlyList<TrialRecord> trials);
}

/// <summary>Never prunes.</summary>
internal sealed class NopPruner : IPruner
{
    public bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> others) => false;
}
