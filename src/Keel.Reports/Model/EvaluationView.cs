namespace Keel.Reports;

/// <summary>The selected model's evaluation beyond averages, as plain tables and chart data.</summary>
public sealed record EvaluationView
{
    /// <summary>Tables in reading order: intervals, significance, calibration, slices, weak segments, Simpson, fairness, conformal.</summary>
    public IReadOnlyList<TableView> Tables { get; init; } = [];

    /// <summary>Reliability diagram series (mean predicted, fraction positive). Default empty: no diagram.</summary>
    public IReadOnlyList<Series> Reliability { get; init; } = [];

    /// <summary>Per-slice bar charts with interval whiskers, one per slice column. Default empty.</summary>
    public IReadOnlyList<BarChartView> SliceCharts { get; init; } = [];

    /// <summary>Permutation importance: mean drop per feature column with whiskers at mean ± standard deviation, drawn under the
    /// table whose title starts with "Permutation importance". Default null: none.</summary>
    public BarChartView? Importance { get; init; }

    /// <summary>Learning curve series (share of training rows, metric): training and validation, drawn under the table whose title
    /// starts with "Learning curve". Default empty: none.</summary>
    public IReadOnlyList<Series> LearningCurve { get; init; } = [];

    /// <summary>The y axis label of the learning curve (the metric). Default "metric".</summary>
    public string LearningCurveMetric { get; init; } = "metric";
}

/// <summary>A titled table of text cells, with an optional note under it.</summary>
public sealed record TableView(string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, string? Note = null);

/// <summary>A titled bar chart.</summary>
public sealed record BarChartView(string Title, IReadOnlyList<BarDatum> Bars);
