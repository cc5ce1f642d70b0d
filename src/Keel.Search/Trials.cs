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

    /// <summary>A complete trial's value per objective of a multi-objective study as losses (each negated when its direction
    /// maximises), or null when it has none to give (not complete, or ended before its store kept them): what multi-objective TPE
    /// observes.</summary>
    public static double[]? Losses(this TrialRecord trial, IReadOnlyList<Direction> directions) =>
        trial.State == TrialState.Complete && trial.Values is { } values && values.Count == directions.Count
            ? values.Select((v, k) => directions[k].AsLoss(v)).ToArray()
            : null;

    /// <summary>Trials that finished with a value (complete).</summary>
    public static IEnumerable<TrialRecord> Completed(this IEnumerable<TrialRecord> trials) =>
        trials.Where(t => t.State == TrialState.Complete && t.Value is not null);
}
