using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Core.Models;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Significance;

/// <summary>One model against another on the same test rows: the metric difference (a − b), the test used and its verdict.</summary>
/// <remarks>Verdict: "better", "worse" (a against b, in the metric's direction) or "tied" when p ≥ alpha.</remarks>
/// <remarks>Test: delong (auc), mcnemar_exact or mcnemar_chi2_cc (accuracy), paired_bootstrap (any other metric).</remarks>
public sealed record Comparison(string Model, string Against, string Metric, double Value, double OtherValue, double Difference,
    string Test, double PValue, string Verdict);

/// <summary>Significance of the difference between two models' metrics on the same rows.</summary>
public static class Significance
{
    /// <summary>Level below which a difference counts as real. 0.05.</summary>
    public const double Alpha = 0.05;

    /// <summary>Compares <paramref name="a"/> (called <paramref name="nameA"/>) with <paramref name="b"/> on <paramref name="metric"/>:
    /// DeLong for auc, McNemar for accuracy, a paired bootstrap otherwise.</summary>
    public static Comparison Compare(string nameA, string nameB, EncodedLabels truth, Predictions a, Predictions b, string metric,
        BootstrapOptions options)
    {
        var info = MetricCatalog.Get(metric);
        double va, vb, p;
        string test;
        if (metric == "auc" && truth.Task == TaskKind.Binary)
        {
            (va, vb, _, _, p) = DeLong.Test(truth.ClassIndices!, P1(a), P1(b));
            test = "delong";
        }
        else if (metric == "accuracy" && truth.Task != TaskKind.Regression)
        {
            (_, _, p, test) = McNemar.Test(truth.ClassIndices!, a.PredictedClassIndices(), b.PredictedClassIndices());
            va = Evaluator.Evaluate(truth, a).Metrics["accuracy"];
            vb = Evaluator.Evaluate(truth, b).Metrics["accuracy"];
        }
        else
        {
            va = Evaluator.Evaluate(truth, a).Metrics.GetValueOrDefault(metric, double.NaN);
            vb = Evaluator.Evaluate(truth, b).Metrics.GetValueOrDefault(metric, double.NaN);
            (_, _, p) = PairedBootstrap.Test(truth, a, b, metric, options);
            test = "paired_bootstrap";
        }
        var verdict = double.IsNaN(p) || p >= Alpha ? "tied" : info.IsBetter(va, vb) ? "better" : info.IsBetter(vb, va) ? "worse" : "tied";
        return new Comparison(nameA, nameB, metric, va, vb, va - vb, test, p, verdict);
    }

    private static double[] P1(Predictions p) => p.Probabilities!.Select(r => r[1]).ToArray();
}
