namespace Keel.Reports;

/// <summary>The data section: source, split, label distribution and per-column profile.</summary>
internal static class DataSection
{
    private static readonly ChartOptions Sparkline = new() { Width = 140, Height = 30, Compact = true };

    public static void Write(HtmlBuilder html, ReportModel model)
    {
        var d = model.Data;
        html.Raw("<section id=\"data\">").Element("h2", "Data");
        double Share(int n) => d.Rows > 0 ? (double)n / d.Rows : double.NaN;
        string Split(int n) => $"{NumberFormat.Count(n)} <span class=\"muted\">({NumberFormat.Percent(Share(n))})</span>";
        html.Raw("<div class=\"facts\">")
            .Fact("Path", $"<code>{Markup.HtmlLabel(d.Path, 80)}</code>")
            .Fact("SHA-256", $"<code title=\"{Markup.Escape(d.Sha256)}\">{Markup.Escape(Markup.Truncate(d.Sha256, 17))}</code>")
            .Fact("Rows × columns", $"{NumberFormat.Count(d.Rows)} × {NumberFormat.Count(d.Columns)}")
            .Fact("Label", Markup.HtmlLabel(d.Label, 40))
            .Fact("Train", Split(d.TrainRows))
            .Fact("Validation", Split(d.ValidationRows))
            .Fact("Test", Split(d.TestRows))
            .Fact("Split strategy", Markup.Escape(d.SplitStrategy))
            .Raw("</div>");

        if (d.LabelDistribution.Count > 0)
        {
            var bars = d.LabelDistribution.Select(l => new BarDatum(l.Value, l.Count)).ToList();
            html.Raw("<div class=\"charts\">")
                .Figure(SvgCharts.BarChart($"Label distribution: {d.Label}", bars, new ChartOptions { Height = 60 + bars.Count * 22 }))
                .Raw("</div>");
        }

        html.Element("h3", "Column profile");
        string[] header = ["Column", "Type", "Missing", "Distinct", "Mean", "Std", "Min", "Max", "Distribution"];
        bool[] numeric = [false, false, true, true, true, true, true, true, false];
        html.Table("profile", header.Select(Markup.Escape).ToList(), d.Profile.Select(c => Row(c, d.Rows)), numeric);
        html.Raw("</section>");
    }

    private static TableRow Row(ColumnView c, int rows)
    {
        var missing = NumberFormat.Count(c.Missing);
        if (c.Missing > 0 && rows > 0) missing += $" <span class=\"muted\">({NumberFormat.Percent((double)c.Missing / rows)})</span>";
        var chart = c.Distribution.Count == 0 ? "" : SvgCharts.BarChart($"Distribution of {c.Name}", c.Distribution, Sparkline);
        return new TableRow(
        [
            Markup.HtmlLabel(c.Name, 32), Markup.Escape(c.Type), missing, NumberFormat.Count(c.Distinct),
            .. c.Type == "datetime" // held as Unix seconds: shown as times, and the spread as a span
                ? [NumberFormat.Time(c.Mean), NumberFormat.Span(c.Std), NumberFormat.Time(c.Min), NumberFormat.Time(c.Max)]
                : new[] { NumberFormat.Metric(c.Mean), NumberFormat.Metric(c.Std), NumberFormat.Metric(c.Min), NumberFormat.Metric(c.Max) },
            chart,
        ]);
    }
}
