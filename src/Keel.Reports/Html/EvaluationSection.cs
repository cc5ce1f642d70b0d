namespace Keel.Reports;

/// <summary>The evaluation beyond averages: tables, the reliability diagram and per-slice bars with interval whiskers.</summary>
internal static class EvaluationSection
{
    public static void Write(HtmlBuilder html, ReportModel model)
    {
        if (model.Evaluation is not { } e) return;
        html.Raw("<section id=\"evaluation\">").Element("h2", "Evaluation beyond averages");
        foreach (var t in e.Tables)
        {
            html.Element("h3", t.Title);
            html.Table("evaluation", t.Headers.Select(Markup.Escape).ToArray(),
                t.Rows.Select(r => new TableRow(r.Select(Markup.Escape).ToArray())));
            if (t.Note is not null) html.Element("p", t.Note, "muted");
            if (t.Title.StartsWith("Calibration", StringComparison.Ordinal) && e.Reliability.Count > 0)
            {
                html.Figure(SvgCharts.LineChart("Reliability diagram", "mean predicted probability", "fraction positive", e.Reliability,
                    new ChartOptions { DiagonalReference = true, ShowLegend = true }));
            }
            if (t.Title.StartsWith("Slices", StringComparison.Ordinal))
            {
                foreach (var c in e.SliceCharts) html.Figure(SvgCharts.BarChart(c.Title, c.Bars));
            }
            if (t.Title.StartsWith("Permutation importance", StringComparison.Ordinal) && e.Importance is { } imp)
                html.Figure(SvgCharts.BarChart(imp.Title, imp.Bars));
            if (t.Title.StartsWith("Learning curve", StringComparison.Ordinal) && e.LearningCurve.Count > 0)
            {
                html.Figure(SvgCharts.LineChart("Learning curve", "share of training rows", e.LearningCurveMetric, e.LearningCurve,
                    new ChartOptions { ShowLegend = true }));
            }
        }
        html.Raw("</section>");
    }
}
