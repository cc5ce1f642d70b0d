using Keel.Core.Search;

namespace Keel.Search.Pruners;

/// <summary>Decides whether a running trial should stop, from snapshots of it and of the other trials of its group. Intermediate
/// values are losses: lower is better (e.g. validation log loss or RMSE after each boosting round).</summary>
public interface IPruner
{
    /// <summary>Whether <paramref name="trial"/>, having just reported <paramref name="step"/>, should stop now.</summary>
    bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> others);
}

/// <summary>Never prunes.</summary>
internal sealed class NopPruner : IPruner
{
    public bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> others) => false;
}
