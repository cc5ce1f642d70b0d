namespace Keel.Reports;

/// <summary>One leaderboard row: a trained candidate (or baseline), its costs, metrics and diagnostic curves.</summary>
public sealed record CandidateResult
{
    /// <summary>Candidate name, unique within the run.</summary>
    public required string Name { get; init; }

    /// <summary>Trainer type, e.g. "LightGbm".</summary>
    public required string Type { get; init; }

    /// <summary>Whether this is a baseline (e.g. majority class). Default false.</summary>
    public bool IsBaseline { get; init; }

    /// <summary>Hyperparameters as shown to users. Default empty.</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>Wall-clock training time in seconds.</summary>
    public double TrainSeconds { get; init; }

    /// <summary>Mean prediction latency in microseconds per row.</summary>
    public double PredictMicrosPerRow { get; init; }

    /// <summary>Size of the saved model in bytes.</summary>
    public long ModelBytes { get; init; }

    /// <summary>Metrics on the validation split, by metric name. Default empty.</summary>
    public IReadOnlyDictionary<string, double> ValidationMetrics { get; init; } = new Dictionary<string, double>();

    /// <summary>With cross-validated selection, the sample standard deviation over folds of each validation metric (whose values are then
    /// fold means), by metric name. Default empty: one validation split.</summary>
    public IReadOnlyDictionary<string, double> ValidationSpread { get; init; } = new Dictionary<string, double>();

    /// <summary>Metrics on the test split, by metric name. Default empty.</summary>
    public IReadOnlyDictionary<string, double> TestMetrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Class labels in confusion-matrix order (classification only). Default empty.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>Test-split confusion matrix indexed [true][predicted]; null when not classification.</summary>
    public int[][]? ConfusionMatrix { get; init; }

    /// <summary>Test-split ROC curve (X = false positive rate, Y = true positive rate), binary only. Default empty.</summary>
    public IReadOnlyList<Point> Roc { get; init; } = [];

    /// <summary>Test-split precision-recall curve (X = recall, Y = precision), binary only. Default empty.</summary>
    public IReadOnlyList<Point> PrecisionRecall { get; init; } = [];

    /// <summary>Regression test rows: X = predicted, Y = actual. Default empty.</summary>
    public IReadOnlyList<Point> Residuals { get; init; } = [];

    /// <summary>Per-iteration loss of boosted models, e.g. train and validation. Default empty.</summary>
    public IReadOnlyList<LossCurve> LossCurves { get; init; } = [];

    /// <summary>What the loss curves are, when a legend cannot say it (e.g. the cv curve that chose the rounds); null (the default) for none.</summary>
    public string? LossCurveNote { get; init; }
}

/// <summary>A named per-iteration loss curve, e.g. "validation log_loss".</summary>
public sealed record LossCurve(string Name, IReadOnlyList<Point> Points);
