namespace Keel.Reports;

/// <summary>Promotion gates (pass/fail) and the registration outcome.</summary>
internal static class GatesSection
{
    public static void Write(HtmlBuilder html, ReportModel model)
    {
        html.Raw("<section id=\"gates\">").Element("h2", "Gates and registration");
        if (model.Gates.Count == 0)
        {
            html.Element("p", "No gates were configured.", "muted");
        }
        else
        {
            var passed = model.Gates.Count(g => g.Passed);
            html.Element("p", $"{passed} of {model.Gates.Count} gates passed.");
            html.Raw("<ul class=\"gates\">");
            foreach (var g in model.Gates)
            {
                html.Raw(g.Passed ? "<li class=\"gate pass\"><span class=\"badge pass\">PASS</span>" : "<li class=\"gate fail\"><span class=\"badge fail\">FAIL</span>")
                    .Raw("<strong>").Text(g.Gate).Raw("</strong>");
                if (!string.IsNullOrEmpty(g.Detail)) html.Raw(" <span class=\"muted\">— ").Text(g.Detail).Raw("</span>");
                html.Raw("</li>");
            }
            html.Raw("</ul>");
        }
        html.Raw("<p class=\"registration\"><strong>Registration:</strong> ")
            .Text(string.IsNullOrEmpty(model.Registered) ? "not registered" : model.Registered)
            .Raw("</p></section>");
    }
}
