namespace Keel.Reports;

/// <summary>One candidate in depth: metrics, confusion matrix, per-class table, residuals, loss curves, params.</summary>
internal static class CandidateDetail
{
    public static void Write(HtmlBuilder html, ReportModel model, CandidateResult c)
    {
        WriteMetrics(html, model, c);

        var charts = new List<string>();
        var matrixOk = c.ConfusionMatrix is { } cm && cm.Length == c.Classes.Count && cm.All(r => r is not null && r.Length == c.Classes.Count);
        if (c.ConfusionMatrix is not null && matrixOk)
        {
            var k = c.Classes.Count;
            var size = Math.Clamp(150 + k * 64, 320, 720);
            charts.Add(SvgCharts.Heatmap($"Confusion matrix (test): {c.Name}", c.Classes, c.Classes,
                c.ConfusionMatrix.Select(r => r.Select(v => (double)v).ToArray()).ToArray(),
                new ChartOptions { Width = size, Height = size - 40, RowAxisTitle = "actual", ColumnAxisTitle = "predicted" }));
        }
        if (c.Residuals.Count > 0)
        {
            charts.Add(SvgCharts.ScatterChart($"Actual vs predicted (test): {c.Name}", "predicted", "actual",
                [new Series("test rows", c.Residuals)], new ChartOptions { Width = 520, Height = 400, DiagonalReference = true }));
        }
        if (c.LossCurves.Count > 0)
        {
            charts.Add(SvgCharts.LineChart($"Loss per iteration: {c.Name}", "iteration", "loss",
                c.LossCurves.Select(l => new Series(l.Name, l.Points)).ToList(), new ChartOptions { Width = 520, ShowLegend = true }));
        }
        if (charts.Count > 0)
        {
            html.Raw("<div class=\"charts\">");
            foreach (var chart in charts) html.Figure(chart);
            html.Raw("</div>");
        }
        if (c.LossCurves.Count > 0 && c.LossCurveNote is { } note) html.Element("p", note, "muted");
        if (c.ConfusionMatrix is not null && !matrixOk)
        {
            html.Element("p", $"Confusion matrix omitted: its shape does not match the {c.Classes.Count} classes.", "muted");
        }
        if (matrixOk && c.Classes.Count > 2) WritePerClass(html, c.Classes, c.ConfusionMatrix!);

        html.Element("h4", "Parameters");
        if (c.Params.Count == 0) html.Element("p", "No parameters recorded (defaults).", "muted");
        else html.KeyValueTable("params", "Parameter", "Value", c.Params.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    private static void WriteMetrics(HtmlBuilder html, ReportModel model, CandidateResult c)
    {
        var names = Ranking.OrderMetrics(model, c.ValidationMetrics.Keys.Concat(c.TestMetrics.Keys)).ToList();
        if (names.Count == 0) return;
        static string Get(IReadOnlyDictionary<string, double> d, string k) => NumberFormat.Metric(d.TryGetValue(k, out var v) ? v : null);
        html.Table("metrics", ["Metric", "Validation", "Test"],
            names.Select(n => new TableRow([Markup.HtmlLabel(n, 40), Get(c.ValidationMetrics, n), Get(c.TestMetrics, n)])),
            [false, true, true]);
    }

    /// <summary>Precision, recall, F1 and support per class, from the [true][predicted] matrix.</summary>
    private static void WritePerClass(HtmlBuilder html, IReadOnlyList<string> classes, int[][] cm)
    {
        var rows = classes.Select((name, i) =>
        {
            double tp = cm[i][i];
            double support = cm[i].Sum(v => (double)v);
            double predicted = cm.Sum(r => (double)r[i]);
            var precision = predicted > 0 ? tp / predicted : double.NaN;
            var recall = support > 0 ? tp / support : double.NaN;
            var f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : double.NaN;
            return new TableRow([Markup.HtmlLabel(name, 40), NumberFormat.Metric(precision), NumberFormat.Metric(recall),
                NumberFormat.Metric(f1), NumberFormat.Count((long)support)]);
        });
        html.Element("h4", "Per class (test)")
            .Table("per-class", ["Class", "Precision", "Recall", "F1", "Support"], rows, [false, true, true, true, true]);
    }
}
