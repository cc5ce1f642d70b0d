using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Evaluation;

/// <summary>Computes the full metric set of a task; every value equals scikit-learn 1.2's definition.</summary>
public static class Evaluator
{
    /// <summary>Evaluates with row i weighted by <paramref name="weights"/>[i] (scikit-learn's sample_weight): every metric from
    /// weighted counts and sums; the curves, confusion matrix and per-class table stay unweighted. Null weights: <see cref="Evaluate(EncodedLabels, Predictions)"/>.</summary>
    /// <exception cref="ArgumentException">As the unweighted overload, or weights that do not match the rows or are negative, not finite or all zero.</exception>
    public static Evaluation Evaluate(EncodedLabels truth, Predictions predictions, double[]? weights)
    {
        var plain = Evaluate(truth, predictions);
        if (weights is null) return plain;
        if (weights.Length != truth.Count) throw new ArgumentException($"{truth.Count} labels but {weights.Length} weights.", nameof(weights));
        if (weights.Any(w => !double.IsFinite(w) || w < 0) || weights.All(w => w == 0))
            throw new ArgumentException("Weights must be finite, 0 or more, and not all 0.", nameof(weights));
        var scorer = new Uncertainty.ResampleScorer(truth, predictions);
        var values = new double[scorer.Names.Length];
        scorer.Score(weights, values);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            // Undefined for these weights (one class carries all the weight, a zero label for mape): left out, as unweighted.
            if (double.IsFinite(values[i]) && plain.Metrics.ContainsKey(scorer.Names[i])) metrics[scorer.Names[i]] = values[i];
        }
        return plain with { Metrics = metrics };
    }

    /// <summary>Evaluates <paramref name="predictions"/> against <paramref name="truth"/>.</summary>
    /// <exception cref="ArgumentException">Empty input, or truth and predictions that do not match in task, length, classes or row width.</exception>
    public static Evaluation Evaluate(EncodedLabels truth, Predictions predictions)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predictions);
        if (truth.Count == 0) throw new ArgumentException("Cannot evaluate zero rows.", nameof(truth));
        if (truth.Count != predictions.Count)
            throw new ArgumentException($"{truth.Count} labels but {predictions.Count} predictions.", nameof(predictions));
        if (truth.Task != predictions.Task)
            throw new ArgumentException($"Labels are for {truth.Task} but predictions for {predictions.Task}.", nameof(predictions));

        if (truth.Task == TaskKind.Regression)
        {
            return RegressionMetrics.Evaluate(
                truth.Values ?? throw new ArgumentException("Regression labels need values.", nameof(truth)),
                predictions.Values ?? throw new ArgumentException("Regression predictions need values.", nameof(predictions)));
        }
        var indices = truth.ClassIndices ?? throw new ArgumentException("Classification labels need class indices.", nameof(truth));
        var probabilities = predictions.Probabilities
            ?? throw new ArgumentException("Classification predictions need probabilities.", nameof(predictions));
        var k = truth.Classes.Count;
        // Columns in another class order would give plausible but wrong metrics, so a mismatch is refused.
        if (predictions.Classes.Count > 0 && !predictions.Classes.SequenceEqual(truth.Classes))
        {
            throw new ArgumentException(
                $"Prediction classes [{string.Join(", ", predictions.Classes)}] differ from label classes [{string.Join(", ", truth.Classes)}].",
                nameof(predictions));
        }
        if (probabilities.Any(p => p.Length != k))
            throw new ArgumentException($"Every probability row must have {k} entries, one per class.", nameof(predictions));
        if (indices.Any(c => c < 0 || c >= k))
            throw new ArgumentException($"Every class index must be in 0..{k - 1}.", nameof(truth));
        return truth.Task == TaskKind.Binary
            ? BinaryMetrics.Evaluate(indices, probabilities, predictions.PredictedClassIndices(), truth.Classes)
            : MulticlassMetrics.Evaluate(indices, probabilities, predictions.PredictedClassIndices(), truth.Classes);
    }
}
