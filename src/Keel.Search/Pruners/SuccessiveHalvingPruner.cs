using Keel.Core.Search;

namespace Keel.Search.Pruners;

/// <summary>Options of the successive-halving (ASHA) pruner; the defaults are Optuna's, except the minimum resource, which
/// Optuna infers and Keel sets to 10 boosting rounds.</summary>
public sealed record SuccessiveHalvingOptions
{
    /// <summary>Steps (boosting rounds) before the first rung. Default 10.</summary>
    public int MinResource { get; init; } = 10;

    /// <summary>Rung k sits at MinResource × ReductionFactor^(k + MinEarlyStoppingRate); about 1/ReductionFactor of trials pass each rung. Default 3.</summary>
    public int ReductionFactor { get; init; } = 3;

    /// <summary>Shifts the first rung later. Default 0.</summary>
    public int MinEarlyStoppingRate { get; init; }
}

/// <summary>
/// Asynchronous successive halving as Optuna implements it: at each rung step a trial goes on only when its loss there is within
/// the best 1/η of every trial that has reached that rung so far (itself included); with fewer than η there, only the best goes on.
/// No trial waits for others, so workers never idle.
/// </summary>
internal sealed class SuccessiveHalvingPruner(SuccessiveHalvingOptions options) : IPruner
{
    /// <summary>The rung steps up to <paramref name="maxStep"/>.</summary>
    public IEnumerable<int> Rungs(int maxStep)
    {
        for (var k = 0; ; k++)
        {
            var r = options.MinResource * Math.Pow(options.ReductionFactor, k + options.MinEarlyStoppingRate);
            if (r > maxStep) yield break;
            yield return (int)r;
        }
    }

    public bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> others)
    {
        if (!Rungs(step).Contains(step) || !trial.Intermediate.TryGetValue(step, out var value)) return false;
        if (double.IsNaN(value)) return true;
        var competing = others.Where(t => t.Number != trial.Number && t.Intermediate.ContainsKey(step))
            .Select(t => t.Intermediate[step]).Where(v => !double.IsNaN(v)).Append(value).Order().ToArray();
        var promotable = competing.Length / options.ReductionFactor - 1;
        if (promotable < 0) promotable = 0;
        return value > competing[promotable];
    }
}
