namespace Keel.Pipeline.Retrain;

/// <summary>When a retraining starts; any trigger that fires starts it. With none set, every `keel retrain` retrains (a manual trigger).</summary>
public sealed record RetrainTriggers
{
    /// <summary>Fire when an alert on the model was stored after the champion was registered. Default false.</summary>
    public bool Alert { get; init; }

    /// <summary>Fire when the champion is at least this old (a schedule, for cron). Default null: off.</summary>
    public TimeSpan? Schedule { get; init; }

    /// <summary>Fire when the data holds at least this many labelled rows more than the champion's training data did. Default null: off.</summary>
    public int? NewRows { get; init; }

    /// <summary>Fire when the champion's metric on the comparison set is worse than at registration by more than this. Default null: off.</summary>
    public double? PerformanceDrop { get; init; }

    /// <summary>Whether any trigger is set.</summary>
    public bool Any => Alert || Schedule is not null || NewRows is not null || PerformanceDrop is not null;
}

/// <summary>How the training rows are chosen.</summary>
public enum WindowKind
{
    /// <summary>Every labelled row before the comparison set (the default).</summary>
    Expanding,
    /// <summary>Only rows within <see cref="DataWindowSpec.Last"/> of the latest training time (needs data.time_column).</summary>
    Sliding,
    /// <summary>The rows of the listed files instead of data.path.</summary>
    Files,
}

/// <summary>The data window of a retraining.</summary>
public sealed record DataWindowSpec
{
    /// <summary>Expanding, sliding or files. Default expanding.</summary>
    public WindowKind Kind { get; init; } = WindowKind.Expanding;

    /// <summary>Sliding: the span kept, counted back from the latest time before the comparison set. Default null (required for sliding).</summary>
    public TimeSpan? Last { get; init; }

    /// <summary>Files: the data files, relative to the spec, read like data.path. Default none (required for files).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
}

/// <summary>The rule a challenger must pass to be registered.</summary>
public sealed record PromotionSpec
{
    /// <summary>The metric compared. Default null: the spec's metric (or its task's default).</summary>
    public string? Metric { get; init; }

    /// <summary>The least improvement over the champion, in the metric's units. Default 0.</summary>
    public double Margin { get; init; }

    /// <summary>Significance level of the test (DeLong for auc, McNemar for accuracy, paired bootstrap otherwise). Default 0.05.</summary>
    public double Alpha { get; init; } = 0.05;
}

/// <summary>A retraining policy: the spec's <c>retrain:</c> section or a policy file (see docs/monitoring.md).</summary>
public sealed record RetrainPolicy
{
    /// <summary>Triggers. Default none (manual).</summary>
    public RetrainTriggers Triggers { get; init; } = new();

    /// <summary>The data window. Default expanding over data.path.</summary>
    public DataWindowSpec Window { get; init; } = new();

    /// <summary>The comparison set: this many most recent labelled rows (by data.time_column, else file order), held out from
    /// training; both models are scored on them. Default 1000.</summary>
    public int ComparisonRows { get; init; } = 1000;

    /// <summary>The promotion rule. Default: the spec's metric, margin 0, alpha 0.05.</summary>
    public PromotionSpec Promote { get; init; } = new();

    /// <summary>A deployment whose rollout starts with the new version as its challenger. Default null: none.</summary>
    public string? Deployment { get; init; }
}
