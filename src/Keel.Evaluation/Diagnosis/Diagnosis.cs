using Keel.Core.Metrics;

namespace Keel.Evaluation.Diagnosis;

/// <summary>One point of a learning curve: the selected candidate trained on a share of the training rows.</summary>
/// <param name="Fraction">Share of the training rows (0.1, 0.25, 0.5, 0.75, 1).</param>
/// <param name="TrainRows">Rows it trained on.</param>
/// <param name="Train">The metric on those training rows; null when skipped.</param>
/// <param name="Validation">The metric on the validation split; null when skipped.</param>
/// <param name="Skipped">Why the point has no figures (e.g. a class missing from the sample); null otherwise.</param>
public sealed record LearningCurvePoint(double Fraction, int TrainRows, double? Train, double? Validation, string? Skipped = null);

/// <summary>The learning curve of the selected candidate in the selection metric (evaluation.learning_curve).</summary>
public sealed record LearningCurveResult(string Candidate, string Metric, IReadOnlyList<LearningCurvePoint> Points);

/// <summary>Training, validation and test error beside the best baseline and a human-level figure: avoidable bias, variance and data
/// mismatch. Errors are in the selection metric: 1 − metric for a score (auc, accuracy, r2, ...), the metric itself for a loss.</summary>
/// <param name="Metric">The selection metric.</param>
/// <param name="Train">Training error of the selected candidate (as trained on train only).</param>
/// <param name="Validation">Its validation error; null without a validation split.</param>
/// <param name="Test">Its test error.</param>
/// <param name="Baseline">The best baseline by test error, or null when the run has none.</param>
/// <param name="BaselineTest">That baseline's test error.</param>
/// <param name="HumanLevel">evaluation.human_level (an error in the same terms), or null.</param>
/// <param name="AvoidableBias">Train − human level; null without a human-level figure.</param>
/// <param name="Variance">Validation − train; null without validation.</param>
/// <param name="DataMismatch">Test − validation; null without validation.</param>
/// <param name="Reading">What the largest gap says to do.</param>
public sealed record BiasVarianceResult(string Metric, double Train, double? Validation, double Test, string? Baseline, double? BaselineTest,
    double? HumanLevel, double? AvoidableBias, double? Variance, double? DataMismatch, string Reading);

/// <summary>Capability (change in log loss) against alignment (change in the decision metric) between two evaluations on the same rows.</summary>
/// <param name="Model">The model compared.</param>
/// <param name="Reference">The model it is compared against.</param>
/// <param name="LossChange">log loss of Model − log loss of Reference (negative: more capable).</param>
/// <param name="MetricChange">The decision metric's improvement from Reference to Model (positive: better aligned; for a loss, Reference − Model).</param>
/// <param name="Metric">The decision metric (the selection metric).</param>
/// <param name="Quadrant">"best case", "small but misaligned errors", "large errors on some data", "large errors on much data" or "no change".</param>
/// <param name="Reading">What the quadrant means.</param>
public sealed record QuadrantResult(string Model, string Reference, double LossChange, double MetricChange, string Metric, string Quadrant, string Reading);

/// <summary>The learning-curve fractions, the bias/variance table and the capability/alignment quadrants.</summary>
public static class Diagnoses
{
    /// <summary>Shares of the training rows the learning curve trains on.</summary>
    public static IReadOnlyList<double> Fractions { get; } = [0.1, 0.25, 0.5, 0.75, 1.0];

    /// <summary>An error in <paramref name="metric"/>'s terms: 1 − value for a score, the value for a loss.</summary>
    public static double Error(string metric, double value) => MetricCatalog.Get(metric).HigherIsBetter ? 1 - value : value;

    /// <summary>The bias/variance table of one model from its train, validation and test values of <paramref name="metric"/>.</summary>
    /// <remarks>baselines: each baseline's test value of the metric. The reading names the largest of avoidable bias (only with a
    /// human-level figure), variance and data mismatch, and says when the model is no better than the best baseline.</remarks>
    public static BiasVarianceResult BiasVariance(string metric, double train, double? validation, double test,
        IReadOnlyList<(string Name, double Test)> baselines, double? humanLevel)
    {
        var tr = Error(metric, train);
        double? va = validation is { } v ? Error(metric, v) : null;
        var te = Error(metric, test);
        var ranked = baselines.Select(b => (b.Name, Error: Error(metric, b.Test))).Where(b => !double.IsNaN(b.Error)).OrderBy(b => b.Error).ToArray();
        (string Name, double Error)? best = ranked.Length == 0 ? null : ranked[0];
        double? bias = humanLevel is { } h ? tr - h : null;
        double? variance = va is { } a ? a - tr : null;
        double? mismatch = va is { } b2 ? te - b2 : null;
        var gaps = new List<(string Name, double Gap)>();
        if (bias is { } x) gaps.Add(("bias", x));
        if (variance is { } y) gaps.Add(("variance", y));
        if (mismatch is { } z) gaps.Add(("mismatch", z));
        var largest = gaps.Where(g => g.Gap > 0).OrderByDescending(g => g.Gap).Select(g => g.Name).FirstOrDefault();
        var reading = largest switch
        {
            "bias" => "Avoidable bias is the largest gap: the model fits its own training rows worse than the human-level figure. Try a larger or less regularised model, more rounds, or better features.",
            "variance" => "Variance is the largest gap: validation error is well above training error, so the model does not generalise what it fitted. Try more training rows, more regularisation, or a smaller model.",
            "mismatch" => "Data mismatch is the largest gap: test error is above validation error, so the test rows differ from those the model was chosen on (or the choice overfitted validation). Compare the splits and make the training data more like the data served.",
            _ => "No gap is positive: the model does as well on validation and test as on its training rows" + (humanLevel is null ? " (give evaluation.human_level to measure avoidable bias)." : " and reaches the human-level figure."),
        };
        if (best is { } bb && te >= bb.Error) reading = $"No better than the baseline {bb.Name} on test ({Fmt(te)} against {Fmt(bb.Error)}): the model has learned nothing the baseline does not know. " + reading;
        return new BiasVarianceResult(metric, tr, va, te, best?.Name, best?.Error, humanLevel, bias, variance, mismatch, reading);
    }

    /// <summary>Places <paramref name="model"/> against <paramref name="reference"/> (their test metrics, with log_loss) in one of the
    /// four quadrants; null when either lacks log_loss or the decision metric (regression).</summary>
    public static QuadrantResult? Quadrant(string model, IReadOnlyDictionary<string, double> modelMetrics, string reference,
        IReadOnlyDictionary<string, double> referenceMetrics, string metric)
    {
        ArgumentNullException.ThrowIfNull(modelMetrics);
        ArgumentNullException.ThrowIfNull(referenceMetrics);
        if (!modelMetrics.TryGetValue("log_loss", out var la) || !referenceMetrics.TryGetValue("log_loss", out var lb)
            || !modelMetrics.TryGetValue(metric, out var ma) || !referenceMetrics.TryGetValue(metric, out var mb)) return null;
        var loss = la - lb;
        var gain = MetricCatalog.Get(metric).HigherIsBetter ? ma - mb : mb - ma;
        var (quadrant, reading) = (loss, gain) switch
        {
            (0, 0) => ("no change", "The same log loss and the same decision metric."),
            (<= 0, >= 0) => ("best case", $"{model} is more capable (lower log loss) and better aligned ({metric} better) than {reference}."),
            (<= 0, < 0) => ("small but misaligned errors", $"{model} has the lower log loss but the worse {metric}: its errors are smaller yet fall where {metric} counts them. Align what is optimised with the decision (threshold, class weights, the metric trained for)."),
            (> 0, >= 0) => ("large errors on some data", $"{model} decides better ({metric}) but has the higher log loss: a few confidently wrong rows raise the loss. Look at the rows with the largest loss, or calibrate."),
            _ => ("large errors on much data", $"{model} is worse than {reference} on both the log loss and {metric}: its errors are larger and spread over much of the data."),
        };
        return new QuadrantResult(model, reference, loss, gain, metric, quadrant, reading);
    }

    private static string Fmt(double v) => v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
}
