namespace Keel.Reports;

/// <summary>A point of a line or scatter chart; non-finite coordinates are skipped when drawn.</summary>
public sealed record Point(double X, double Y);

/// <summary>A named sequence of points drawn in one colour.</summary>
public sealed record Series(string Name, IReadOnlyList<Point> Points);

/// <summary>One bar: its category label and value; a non-finite value draws no bar and shows "—".</summary>
public sealed record BarDatum(string Label, double Value)
{
    /// <summary>Lower end of an interval drawn as a whisker over the bar (e.g. a bootstrap interval). Default NaN: no whisker.</summary>
    public double Low { get; init; } = double.NaN;

    /// <summary>Upper end of the whisker. Default NaN: no whisker.</summary>
    public double High { get; init; } = double.NaN;
}

/// <summary>Size and decorations of a chart.</summary>
public sealed record ChartOptions
{
    /// <summary>Width in pixels. Default 560.</summary>
    public int Width { get; init; } = 560;

    /// <summary>Height in pixels. Default 360; bar charts grow to keep bars at least 14 px tall.</summary>
    public int Height { get; init; } = 360;

    /// <summary>Draw a dashed y = x line (ROC, actual vs predicted); both axes then share one range. Default false.</summary>
    public bool DiagonalReference { get; init; }

    /// <summary>Show the legend: null (default) shows it when there are two or more series.</summary>
    public bool? ShowLegend { get; init; }

    /// <summary>Bar charts: label of a bar drawn in the accent colour, e.g. the selected model. Default none.</summary>
    public string? Highlight { get; init; }

    /// <summary>Bar charts: a small vertical sparkline without title, axes or labels (tooltips only). Default false.</summary>
    public bool Compact { get; init; }

    /// <summary>Line charts: most points drawn per series; longer series are downsampled keeping their shape (LTTB). Default 400.</summary>
    public int MaxLinePoints { get; init; } = 400;

    /// <summary>Scatter charts: most points drawn per series; longer series are thinned evenly. Default 2000.</summary>
    public int MaxScatterPoints { get; init; } = 2000;

    /// <summary>Heatmaps: title of the row axis, e.g. "actual". Default none.</summary>
    public string? RowAxisTitle { get; init; }

    /// <summary>Heatmaps: title of the column axis, e.g. "predicted". Default none.</summary>
    public string? ColumnAxisTitle { get; init; }
}

/// <summary>One axis of a parallel-coordinates chart: log-scaled when <paramref name="Log"/>; categorical axes name their choices (values are indices).</summary>
public sealed record ParallelAxis(string Name, bool Log = false, IReadOnlyList<string>? Choices = null)
{
    /// <summary>For the colour axis (the last): whether higher values are better. Default true.</summary>
    public bool HigherIsBetter { get; init; } = true;
}
