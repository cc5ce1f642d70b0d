using Keel.Core.Data;

namespace Keel.Evaluation;

/// <summary>One point of a curve: ROC (X = false positive rate, Y = true positive rate) or PR (X = recall, Y = precision).</summary>
public sealed record CurvePoint(double X, double Y, double Threshold);

/// <summary>Precision, recall, F1 and support (true rows) of one class.</summary>
public sealed record ClassReport(string Class, double Precision, double Recall, double F1, int Support);

/// <summary>Everything computed for one model on one split. Metrics that are undefined for the split (e.g. AUC with one class) are absent.</summary>
public sealed record Evaluation
{
    public required TaskKind Task { get; init; }

    /// <summary>Metric values by the names of <see cref="Keel.Core.Metrics.MetricCatalog"/>.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>Counts [true class][predicted class] (classification).</summary>
    public int[][]? ConfusionMatrix { get; init; }

    public IReadOnlyList<ClassReport> PerClass { get; init; } = [];

    /// <summary>Binary: scikit-learn's roc_curve (drop_intermediate=True).</summary>
    public IReadOnlyList<CurvePoint> Roc { get; init; } = [];

    /// <summary>Binary: scikit-learn's precision_recall_curve, recall decreasing, ending at (0, 1).</summary>
    public IReadOnlyList<CurvePoint> PrecisionRecall { get; init; } = [];

    /// <summary>Regression: (actual, predicted) pairs, at most 2000, evenly sampled in row order.</summary>
    public IReadOnlyList<(double Actual, double Predicted)> Residuals { get; init; } = [];
}
