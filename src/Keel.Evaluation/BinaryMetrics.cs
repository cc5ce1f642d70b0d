using Keel.Core.Data;

namespace Keel.Evaluation;

/// <summary>Binary metrics; class index 1 is the positive class and column 1 its probability.</summary>
internal static class BinaryMetrics
{
    public static Evaluation Evaluate(int[] truth, double[][] probabilities, int[] predicted, IReadOnlyList<string> classes)
    {
        var confusion = Sums.Confusion(truth, predicted, 2);
        double tn = confusion[0][0], fp = confusion[0][1], fn = confusion[1][0], tp = confusion[1][1];
        var n = truth.Length;
        var (precision, recall, f1) = Sums.Prf(tp, fp, fn);
        var p1 = probabilities.Select(p => p[1]).ToArray();
        var brier = 0.0;
        for (var i = 0; i < n; i++) brier += (truth[i] - p1[i]) * (truth[i] - p1[i]);

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["accuracy"] = (tp + tn) / n,
            ["precision"] = precision,
            ["recall"] = recall,
            ["f1"] = f1,
            ["log_loss"] = Sums.LogLoss(truth, probabilities),
            ["brier"] = brier / n,
        };
        Sums.AddSkewMetrics(confusion, classes, metrics);
        IReadOnlyList<CurvePoint> roc = [], pr = [];
        var positives = truth.Count(t => t == 1);
        if (positives > 0 && positives < n)
        {
            // Both areas are undefined with a single class; the metrics are then left out rather than invented.
            roc = BinaryCurves.Roc(truth, p1);
            pr = BinaryCurves.PrecisionRecall(truth, p1);
            metrics["auc"] = BinaryCurves.Trapezoid(roc);
            metrics["pr_auc"] = BinaryCurves.AveragePrecision(pr);
        }
        return new Evaluation
        {
            Task = TaskKind.Binary,
            Metrics = metrics,
            Classes = classes,
            ConfusionMatrix = confusion,
            PerClass = Sums.PerClass(confusion, classes),
            Roc = roc,
            PrecisionRecall = pr,
        };
    }
}
