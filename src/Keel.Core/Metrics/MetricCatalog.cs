using Keel.Core.Data;

namespace Keel.Core.Metrics;

/// <summary>A metric's name, whether higher is better, and which tasks it applies to.</summary>
public sealed record MetricInfo(string Name, bool HigherIsBetter, IReadOnlyList<TaskKind> Tasks, string Description)
{
    /// <summary>Whether <paramref name="a"/> is strictly better than <paramref name="b"/> under this metric.</summary>
    public bool IsBetter(double a, double b) => HigherIsBetter ? a > b : a < b;
}

/// <summary>The metrics Keel knows: names, direction and the default selection metric per task.</summary>
public static class MetricCatalog
{
    private static readonly TaskKind[] Cls = [TaskKind.Binary, TaskKind.Multiclass];
    private static readonly TaskKind[] Bin = [TaskKind.Binary];
    private static readonly TaskKind[] Multi = [TaskKind.Multiclass];
    private static readonly TaskKind[] Reg = [TaskKind.Regression];

    /// <summary>Every metric, by name.</summary>
    public static IReadOnlyDictionary<string, MetricInfo> All { get; } = new MetricInfo[]
    {
        new("accuracy", true, Cls, "share of rows predicted correctly"),
        new("balanced_accuracy", true, Cls, "mean of the per-class recalls over the classes with true rows"),
        // Catalogue order is the report's metric order: the areas and balanced accuracy (suited to skewed classes) come first.
        new("auc", true, Bin, "area under the ROC curve"),
        new("pr_auc", true, Bin, "area under the precision-recall curve (average precision)"),
        new("precision", true, Bin, "of rows predicted positive, the share that are positive"),
        new("recall", true, Bin, "of positive rows, the share predicted positive"),
        new("f1", true, Bin, "harmonic mean of precision and recall"),
        new("log_loss", false, Cls, "mean negative log-likelihood of the true class"),
        new("brier", false, Bin, "mean squared error of the positive-class probability"),
        new("macro_f1", true, Multi, "unweighted mean of per-class F1"),
        new("micro_f1", true, Multi, "F1 over all rows pooled"),
        new("weighted_f1", true, Multi, "per-class F1 weighted by class support"),
        new("auc_ovr_macro", true, Multi, "macro mean of one-vs-rest ROC AUC"),
        new("rmse", false, Reg, "root mean squared error"),
        new("mae", false, Reg, "mean absolute error"),
        new("r2", true, Reg, "coefficient of determination"),
        new("mape", false, Reg, "mean absolute percentage error (as a fraction; undefined when a label is 0)"),
    }.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>The default selection metric for a task.</summary>
    public static string DefaultFor(TaskKind task) => task switch
    {
        TaskKind.Binary => "auc",
        TaskKind.Multiclass => "macro_f1",
        _ => "rmse",
    };

    /// <summary>Prefix of the per-class recall metrics, "recall.CLASS" (classification): of the rows of that class, the share predicted as it.</summary>
    public const string ClassRecallPrefix = "recall.";

    /// <summary>The per-class recall metric of <paramref name="className"/>.</summary>
    public static string ClassRecall(string className) => ClassRecallPrefix + className;

    private static readonly MetricInfo ClassRecallInfo = new(ClassRecallPrefix + "CLASS", true, Cls, "of the rows of one class, the share predicted as that class");

    /// <summary>The metric called <paramref name="name"/> (a per-class recall "recall.CLASS" included).</summary>
    /// <exception cref="KeelInputException">Unknown name.</exception>
    public static MetricInfo Get(string name) =>
        All.TryGetValue(name, out var m) ? m
        : name.StartsWith(ClassRecallPrefix, StringComparison.Ordinal) && name.Length > ClassRecallPrefix.Length ? ClassRecallInfo
        : throw new KeelInputException($"Unknown metric '{name}'; expected one of: {string.Join(", ", All.Keys)}.");
}
