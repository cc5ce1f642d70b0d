namespace Keel.Reports;

/// <summary>
/// Self-contained SVG charts drawn by Keel (no scripts, fonts or external references); each method returns one
/// well-formed <c>&lt;svg&gt;</c> element with all text escaped. Non-finite values are skipped.
/// </summary>
public static class SvgCharts
{
    /// <summary>One polyline per series, with axes, ticks, axis labels, title and (for 2+ series) a legend.</summary>
    public static string LineChart(string title, string xLabel, string yLabel, IReadOnlyList<Series> series,
        ChartOptions? options = null) =>
        XyChartRenderer.Render(lines: true, title, xLabel, yLabel, series, options ?? new ChartOptions());

    /// <summary>One group of dots per series, with axes, ticks, axis labels, title and (for 2+ series) a legend.</summary>
    public static string ScatterChart(string title, string xLabel, string yLabel, IReadOnlyList<Series> series,
        ChartOptions? options = null) =>
        XyChartRenderer.Render(lines: false, title, xLabel, yLabel, series, options ?? new ChartOptions());

    /// <summary>Horizontal bars with value labels, or a compact sparkline when <see cref="ChartOptions.Compact"/>.</summary>
    public static string BarChart(string title, IReadOnlyList<BarDatum> bars, ChartOptions? options = null) =>
        BarChartRenderer.Render(title, bars, options ?? new ChartOptions());

    /// <summary>A shaded grid with each cell's value written in it, e.g. a confusion matrix [true][predicted].</summary>
    /// <exception cref="ArgumentException">The value grid does not match the label counts.</exception>
    public static string Heatmap(string title, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        double[][] values, ChartOptions? options = null) =>
        HeatmapRenderer.Render(title, rowLabels, columnLabels, values, options ?? new ChartOptions());

    /// <summary>Parallel coordinates: one axis per dimension, one line per row coloured by the last dimension (best lines on top).
    /// A NaN in a row (an inactive conditional parameter) leaves a gap.</summary>
    public static string ParallelCoordinates(string title, IReadOnlyList<ParallelAxis> axes, IReadOnlyList<double[]> rows, ChartOptions? options = null) =>
        ParallelCoordinatesRenderer.Render(title, axes, rows, options ?? new ChartOptions { Width = 720 });
}
