using Keel.Core.Data;

namespace Keel.Evaluation;

/// <summary>Multiclass metrics: averages of per-class figures over the classes present in truth or predictions (as scikit-learn's unique_labels).</summary>
internal static class MulticlassMetrics
{
    public static Evaluation Evaluate(int[] truth, double[][] probabilities, int[] predicted, IReadOnlyList<string> classes)
    {
        var k = classes.Count;
        var n = truth.Length;
        var confusion = Sums.Confusion(truth, predicted, k);
        var perClass = Sums.PerClass(confusion, classes);
        var present = Enumerable.Range(0, k).Where(c => perClass[c].Support > 0 || confusion.Sum(row => row[c]) > 0).ToArray();

        var correct = Enumerable.Range(0, k).Sum(c => confusion[c][c]);
        var (_, _, microF1) = Sums.Prf(correct, n - correct, n - correct);
        var macro = present.Average(c => perClass[c].F1);
        var weighted = present.Sum(c => perClass[c].F1 * perClass[c].Support) / present.Sum(c => perClass[c].Support);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["accuracy"] = (double)correct / n,
            ["macro_f1"] = macro,
            ["micro_f1"] = microF1,
            ["weighted_f1"] = weighted,
            ["log_loss"] = Sums.LogLoss(truth, probabilities),
        };
        Sums.AddSkewMetrics(confusion, classes, metrics);
        // scikit-learn refuses one-vs-rest AUC unless every class occurs in truth; leave the metric out instead.
        if (perClass.All(c => c.Support > 0 && c.Support < n))
        {
            var sum = 0.0;
            for (var c = 0; c < k; c++)
            {
                var binary = truth.Select(t => t == c ? 1 : 0).ToArray();
                sum += BinaryCurves.Trapezoid(BinaryCurves.Roc(binary, probabilities.Select(p => p[c]).ToArray()));
            }
            metrics["auc_ovr_macro"] = sum / k;
        }
        return new Evaluation
        {
            Task = TaskKind.Multiclass,
            Metrics = metrics,
            Classes = classes,
            ConfusionMatrix = confusion,
            PerClass = perClass,
        };
    }
}
