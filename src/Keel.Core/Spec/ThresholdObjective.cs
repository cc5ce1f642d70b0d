using System.Globalization;

namespace Keel.Core.Spec;

/// <summary>What a binary decision threshold is chosen for (spec <c>evaluation.threshold</c>).</summary>
/// <param name="Kind">"f_beta" (maximise F-beta), "precision" (the most recall at precision ≥ target), "recall" (the most precision
/// at recall ≥ target) or "costs" (least fp·FP + fn·FN).</param>
/// <param name="Value">Beta for f_beta, the target for precision and recall; unused for costs.</param>
/// <param name="FalsePositiveCost">Cost of a false positive (costs). Default 1.</param>
/// <param name="FalseNegativeCost">Cost of a false negative (costs). Default 1.</param>
public sealed record ThresholdObjective(string Kind, double Value, double FalsePositiveCost = 1, double FalseNegativeCost = 1)
{
    /// <summary>As the report shows it, e.g. "f_beta 2", "precision ≥ 0.9", "costs fp 1, fn 5".</summary>
    public override string ToString() => Kind switch
    {
        "f_beta" => $"f_beta {F(Value)}",
        "costs" => $"costs fp {F(FalsePositiveCost)}, fn {F(FalseNegativeCost)}",
        _ => $"{Kind} ≥ {F(Value)}",
    };

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
