using Keel.Core.Data;

namespace Keel.Training.Ensembles;

/// <summary>Soft-voting ensembles of models that are already fitted (the out-of-fold ensemble a cv run assembles from its candidates).</summary>
public static class VotingEnsemble
{
    /// <summary>The spec type the combined model carries: it predicts, saves and loads as a voting ensemble.</summary>
    public const string Type = "voting";

    /// <summary>A voting ensemble of <paramref name="members"/> (fitted on the same rows, same task and classes) weighing each by
    /// <paramref name="weights"/>: the weighted mean of their probabilities (or values).</summary>
    public static IFittedModel Combine(IReadOnlyList<(string Name, IFittedModel Model)> members, double[] weights,
        IReadOnlyDictionary<string, string> effectiveParams)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(weights);
        var first = members[0].Model;
        var header = new ModelHeader(Type, first.Task, first.Classes, effectiveParams);
        return new EnsembleModel(header, members.Select(m => m.Model).ToArray(), new EnsembleState(Type, members.Select(m => m.Name).ToArray(), weights, null));
    }
}
