namespace Keel.Reports;

/// <summary>The leaderboard table (best first) and a bar chart of the selection metric per candidate.</summary>
internal static class LeaderboardSection
{
    public static void Write(HtmlBuilder html, ReportModel model, IReadOnlyList<CandidateResult> ranked)
    {
        var direction = model.SelectionHigherIsBetter ? "higher is better" : "lower is better";
        html.Raw("<section id=\"leaderboard\">").Element("h2", "Leaderboard")
            .Raw($"<p class=\"muted\">Ranked by {Markup.Escape(model.SelectionBasis)} ").Raw($"<strong>{Markup.Escape(model.SelectionMetric)}</strong>")
            .Text($" ({direction}{(model.SelectionReason is { } why ? $"; {why}" : "")}); test metrics are shown for reference only.").Raw("</p>");

        var testMetrics = Ranking.KeyTestMetrics(model);
        var spread = ranked.Any(c => c.ValidationSpread.Count > 0);
        var header = new List<string> { "#", "Candidate", "Type", $"{(spread ? "cv mean" : "validation")} {model.SelectionMetric}" };
        if (spread) header.Add("cv sd");
        header.AddRange(testMetrics.Select(m => $"test {m}"));
        header.AddRange(["train s", "predict µs/row", "model size"]);
        var numeric = header.Select((_, i) => i == 0 || i >= 3).ToList();

        var rows = ranked.Select((c, i) => Row(model, c, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), testMetrics, spread)).ToList();
        if (model.Final is { } final) rows.Add(Row(model, final, "", testMetrics, spread) with { CssClass = "final" });
        html.Table("leaderboard", header.Select(Markup.Escape).ToList(), rows, numeric);
        if (model.Final is not null)
        {
            html.Element("p", $"Rows 1–{ranked.Count} are the candidates as trained on the train split; {model.Final.Name} is the registered model, " +
                $"{model.Selected} trained again on train + validation, so it has no validation figure.", "muted");
        }

        if (model.WithinNoise.Count > 1)
        {
            html.Element("p", $"Within noise of each other: {string.Join(", ", model.WithinNoise)}. {model.TieRule}. " +
                "The noise-tie rule's preference among tied candidates is the simpler family, then the faster to predict, then the smaller model; " +
                "a candidate another tied one beats on both (over 1.5× faster and smaller) is passed over first.");
        }
        else if (model.TieRule is { } note)
        {
            html.Element("p", $"Note: {note}.");
        }

        if (ranked.Count > 0)
        {
            var bars = ranked.Select(c => new BarDatum(c.Name, Ranking.SelectionValue(model, c) ?? double.NaN)).ToList();
            var chart = SvgCharts.BarChart($"{(spread ? "cv mean" : "Validation")} {model.SelectionMetric} by candidate", bars,
                new ChartOptions { Width = 640, Height = 60 + bars.Count * 26, Highlight = model.Selected });
            html.Raw("<div class=\"charts\">").Figure(chart).Raw("</div>");
        }
        html.Raw("</section>");
    }

    private static TableRow Row(ReportModel model, CandidateResult c, string rank, IReadOnlyList<string> testMetrics, bool spread)
    {
        var cells = new List<string>
        {
            rank,
            NameHtml(model, c),
            Markup.HtmlLabel(c.Type, 28),
            NumberFormat.Metric(Ranking.SelectionValue(model, c)),
        };
        if (spread) cells.Add(NumberFormat.Metric(c.ValidationSpread.TryGetValue(model.SelectionMetric, out var sd) ? sd : null));
        cells.AddRange(testMetrics.Select(m => NumberFormat.Metric(c.TestMetrics.TryGetValue(m, out var v) ? v : null)));
        cells.Add(NumberFormat.Fixed(c.TrainSeconds, 2));
        cells.Add(NumberFormat.Fixed(c.PredictMicrosPerRow, 1));
        cells.Add(NumberFormat.Bytes(c.ModelBytes));
        return new TableRow(cells, Ranking.IsSelected(model, c) ? "selected" : c.IsBaseline ? "baseline" : null);
    }

    /// <summary>The candidate's name with its baseline and selected badges.</summary>
    public static string NameHtml(ReportModel model, CandidateResult c) =>
        Markup.HtmlLabel(c.Name, 40)
        + (c.IsBaseline ? "<span class=\"badge\">baseline</span>" : "")
        + (Ranking.IsSelected(model, c) ? "<span class=\"badge sel\">selected</span>" : "");
}
