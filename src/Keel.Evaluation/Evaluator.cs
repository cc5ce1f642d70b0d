using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Evaluation;

/// <summary>Computes the full metric set of a task; every value equals scikit-learn 1.2's definition.</summary>
public static class Evaluator
{
    /// <summary>Evaluates <paramref name="predictions"/> against <paramref name="truth"/>.</summary>
    /// <exception cref="ArgumentException">Empty input, or truth and predictions that do not match in task, length or classes.</exception>
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
            return RegressionMetrics.Evaluate(truth.Values!, predictions.Values!);
        var k = truth.Classes.Count;
        if (predictions.Probabilities!.Any(p => p.Length != k))
            throw new ArgumentException($"Every probability row must have {k} entries, one per class.", nameof(predictions));
        return truth.Task == TaskKind.Binary
            ? BinaryMetrics.Evaluate(truth.ClassIndices!, predictions.Probabilities!, truth.Classes)
            : MulticlassMetrics.Evaluate(truth.ClassIndices!, predictions.Probabilities!, truth.Classes);
    }
}
