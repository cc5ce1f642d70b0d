using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Monitoring.Reference;

/// <summary>A model's answers as columns, so output drift uses the same statistics as inputs.</summary>
public static class OutputColumns
{
    /// <summary>Name of the positive-class probability of a binary classifier.</summary>
    public const string Score = "score";
    /// <summary>Name of the predicted class (classification) or value (regression).</summary>
    public const string Predicted = "predicted";

    /// <summary>Binary: <c>score</c> (numeric) and <c>predicted</c> (categorical); multiclass: <c>predicted</c>; regression: <c>predicted</c> (numeric).</summary>
    public static IReadOnlyList<Column> From(Predictions p)
    {
        if (p.Probabilities is not { } probabilities) return [new NumericColumn(Predicted, p.Values ?? [])];
        var classes = p.PredictedClassIndices();
        var predicted = new StringColumn(Predicted, classes.Select(i => (string?)p.Classes[i]).ToArray());
        if (p.Classes.Count != 2) return [predicted];
        var score = new double[probabilities.Length];
        for (var i = 0; i < score.Length; i++) score[i] = probabilities[i][1];
        return [new NumericColumn(Score, score), predicted];
    }
}
