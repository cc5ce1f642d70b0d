using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Evaluation;

/// <summary>Computes the full metric set of a task; every value equals scikit-learn 1.2's definition.</summary>
public static class Evaluator
{
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
