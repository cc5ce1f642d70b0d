using System.Globalization;

namespace Keel.Reports;

/// <summary>The data checks of the run: integrity, data.contract and leakage findings with their columns, rows and fixes.</summary>
internal static class ChecksSection
{
    public static void Write(HtmlBuilder html, ReportModel model)
    {
        if (!model.ChecksRan && model.Findings.Count == 0) return;
        html.Raw("<section id=\"checks\">").Element("h2", "Data checks");
        if (model.Findings.Count == 0)
        {
            html.Element("p", "The integrity and leakage checks found nothing.", "muted").Raw("</section>");
            return;
        }
        var counts = model.Findings.GroupBy(f => f.Severity).Select(g => $"{g.Count()} {g.Key}");
        html.Element("p", $"{model.Findings.Count} finding(s): {string.Join(", ", counts)}.");
        string[] header = ["Group", "Check", "Severity", "Finding", "Columns", "Rows", "Fix"];
        html.Table("findings", header.Select(Markup.Escape).ToList(), model.Findings.Select(Row), [false, false, false, false, false, true, false]);
        html.Raw("</section>");
    }

    private static TableRow Row(FindingView f)
    {
        var rows = f.RowCount == 0 ? "" : NumberFormat.Count(f.RowCount);
        if (f.Rows.Count > 0)
        {
            var listed = string.Join(", ", f.Rows.Take(10).Select(r => r.ToString(CultureInfo.InvariantCulture)));
            rows += $" <span class=\"muted\">({Markup.Escape(listed)}{(f.RowCount > 10 ? ", …" : "")})</span>";
        }
        var severity = f.Severity == "error" ? "fail" : f.Severity == "warning" ? "warn" : "muted";
        return new TableRow(
        [
            Markup.Escape(f.Group), $"<code>{Markup.Escape(f.Check)}</code>", $"<span class=\"badge {severity}\">{Markup.Escape(f.Severity.ToUpperInvariant())}</span>",
            Markup.Escape(f.Message), Markup.Escape(string.Join(", ", f.Columns)), rows, Markup.Escape(f.Fix ?? ""),
        ]);
    }
}
