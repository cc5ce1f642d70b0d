namespace Keel.Reports;

/// <summary>Overlaid ROC/PR curves, then the selected model in full and every other candidate collapsed.</summary>
internal static class ModelsSection
{
    private static readonly ChartOptions Curve = new() { Width = 540, Height = 400, ShowLegend = true };

    public static void Write(HtmlBuilder html, ReportModel model, IReadOnlyList<CandidateResult> ranked)
    {
        html.Raw("<section id=\"models\">").Element("h2", "Models");
        var roc = ranked.Where(c => c.Roc.Count > 0).Select(c => new Series(c.Name, c.Roc)).ToList();
        var pr = ranked.Where(c => c.PrecisionRecall.Count > 0).Select(c => new Series(c.Name, c.PrecisionRecall)).ToList();
        if (roc.Count > 0 || pr.Count > 0)
        {
            html.Raw("<div class=\"charts overlays\">");
            if (roc.Count > 0)
            {
                html.Figure(SvgCharts.LineChart("ROC curves (test)", "false positive rate", "true positive rate", roc,
                    Curve with { DiagonalReference = true }));
            }
            if (pr.Count > 0)
            {
                html.Figure(SvgCharts.LineChart("Precision–recall curves (test)", "recall", "precision", pr, Curve));
            }
            html.Raw("</div>");
        }

        var index = 0;
        foreach (var c in ranked.Where(c => Ranking.IsSelected(model, c)))
        {
            html.Raw($"<article class=\"candidate-model\" id=\"candidate-{index++}\">")
                .Raw("<h3>Selected: ").Raw(LeaderboardSection.NameHtml(model, c)).Raw("</h3>");
            CandidateDetail.Write(html, model, c);
            html.Raw("</article>");
        }
        if (model.Final is { } final)
        {
            html.Raw($"<article class=\"candidate-model\" id=\"candidate-{index++}\">")
                .Raw("<h3>Registered: ").Raw(Markup.HtmlLabel(final.Name, 40)).Raw("</h3>");
            html.Element("p", $"{model.Selected} trained again on train + validation; its test figures are the ones gates and the registry use.", "muted");
            CandidateDetail.Write(html, model, final);
            html.Raw("</article>");
        }
        foreach (var c in ranked.Where(c => !Ranking.IsSelected(model, c)))
        {
            html.Raw($"<details class=\"candidate\" id=\"candidate-{index++}\"><summary>")
                .Raw(LeaderboardSection.NameHtml(model, c))
                .Raw(" <span class=\"muted\">").Text($"{c.Type} · validation {model.SelectionMetric} ")
                .Text(NumberFormat.Metric(Ranking.SelectionValue(model, c))).Raw("</span></summary>");
            CandidateDetail.Write(html, model, c);
            html.Raw("</details>");
        }
        if (ranked.Count == 0) html.Element("p", "No candidates were trained.", "muted");
        html.Raw("</section>");
    }
}
