using Keel.Core.Search;

namespace Keel.Search;

/// <summary>Whether lower or higher objective values are better.</summary>
public enum Direction
{
    Minimize,
    Maximize,
}

/// <summary>Helpers over trial snapshots shared by samplers and pruners.</summary>
public static class TrialViews
{
    /// <summary>The value as a loss: lower is better whatever the direction.</summary>
    public static double AsLoss(this Direction direction, double value) => direction == Direction.Minimize ? value : -value;

    /// <summary>Trials that finished with a value (complete).</summary>
    public static IEnumerable<TrialRecord> Completed(this IEnumerable<TrialRecord> trials) =>
        trials.Where(t => t.State == TrialState.Complete && t.Value is not null);
}
