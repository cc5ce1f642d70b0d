using Keel.Core.Data;
using Keel.Training.Featurization;
using Keel.Training.Packaging;

namespace Keel.Training.Explanation;

/// <summary>Per-prediction contributions of each input column, in the model's raw score (before any probability mapping).</summary>
/// <param name="Space">What the contributions add to: "log-odds" (linear classifier), "score" (boosted or forest trees, before the
/// calibration to a probability) or "value" (regression).</param>
/// <param name="Columns">Input columns, in the featurizer's order.</param>
/// <param name="Values">[row][column]: the sum of the contributions of the column's features (a one-hot column's slots together).</param>
public sealed record ContributionTable(string Space, IReadOnlyList<string> Columns, double[][] Values)
{
    /// <summary>Row <paramref name="row"/>'s <paramref name="k"/> largest contributions by size (ties: column order), largest first.</summary>
    public IReadOnlyList<(string Column, double Contribution)> Top(int row, int k) =>
        Values[row].Select((v, j) => (Column: Columns[j], Contribution: v, Index: j))
            .OrderByDescending(x => Math.Abs(x.Contribution)).ThenBy(x => x.Index).Take(k)
            .Select(x => (x.Column, x.Contribution)).ToArray();
}

/// <summary>A model that can say how much each feature slot moved a row's raw score.</summary>
internal interface IExplainableModel
{
    /// <summary>[row][feature slot] contributions and their space; null when this model cannot (e.g. multiclass).</summary>
    (string Space, float[][] Slots)? SlotContributions(Table features);
}

/// <summary>Per-prediction contributions for linear and tree models: ML.NET's FeatureContributionCalculator (weight × feature value
/// for linear models, the decision-path differences for trees), ridge weight × standardised value, summed per input column.</summary>
public static class Contributions
{
    /// <summary>The contributions of every row of <paramref name="features"/>; null for a model that cannot explain itself (baselines,
    /// heuristics, multiclass models).</summary>
    public static ContributionTable? Compute(IFittedModel model, Table features)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        var inner = ModelPackage.WithoutDecision(model);
        if (inner is not (IExplainableModel explainable and IFeaturizedModel featurized)) return null;
        if (explainable.SlotContributions(features) is not { } slots) return null;
        return ByColumn(featurized.Featurizer, slots.Space, slots.Slots);
    }

    /// <summary>Whether <paramref name="model"/> can explain its predictions (a linear or tree model of a binary or regression task).</summary>
    public static bool Supported(IFittedModel model) =>
        ModelPackage.WithoutDecision(model) is IExplainableModel and IFeaturizedModel && model.Task != TaskKind.Multiclass;

    private static ContributionTable ByColumn(FeaturizerState state, string space, float[][] slots)
    {
        var columns = state.Columns;
        var values = new double[slots.Length][];
        for (var r = 0; r < slots.Length; r++)
        {
            var row = new double[columns.Count];
            for (var c = 0; c < columns.Count; c++)
            {
                var sum = 0.0;
                for (var j = columns[c].Offset; j < columns[c].Offset + columns[c].Width; j++) sum += slots[r][j];
                row[c] = sum;
            }
            values[r] = row;
        }
        return new ContributionTable(space, columns.Select(c => c.Name).ToArray(), values);
    }
}
