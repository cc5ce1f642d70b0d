namespace Keel.Reports;

/// <summary>The header: title, run identity, provenance, seed and environment.</summary>
internal static class RunSection
{
    public static void Write(HtmlBuilder html, ReportModel model)
    {
        var run = model.Run;
        html.Raw("<section id=\"run\">").Element("h1", model.Title);
        html.Raw("<nav><a href=\"#data\">Data</a><a href=\"#leaderboard\">Leaderboard</a><a href=\"#gates\">Gates</a><a href=\"#models\">Models</a></nav>");
        html.Raw("<div class=\"facts\">")
            .Fact("Run", $"<code>{Markup.HtmlLabel(run.RunId, 40)}</code>")
            .Fact("Experiment", Markup.HtmlLabel(run.Experiment, 60))
            .Fact("Task", Markup.Escape(run.Task))
            .Fact("Started", Markup.Escape(run.StartedAt))
            .Fact("Git commit", GitHtml(run.GitCommit, run.GitDirty))
            .Fact("Seed", run.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (model.Search is { } search)
        {
            // The final run of a search trains each family's best trial; its history, intermediate values and charts are in the search's report.
            html.Fact("Search", $"final run of study {Markup.HtmlLabel(search.Study, 60)}: <a href=\"{Markup.Escape(Uri.EscapeDataString(search.Report).Replace("%2F", "/"))}\">search report</a> " +
                $"(run <code>{Markup.HtmlLabel(search.RunId, 40)}</code>: trials, history, intermediate values, parameter importance)");
        }
        html.Raw("</div>");
        if (run.Environment.Count > 0)
        {
            html.Element("h3", "Environment")
                .KeyValueTable("environment", "Name", "Value", run.Environment.OrderBy(p => p.Key, StringComparer.Ordinal));
        }
        html.Raw("</section>");
    }

    private static string GitHtml(string? commit, bool? dirty)
    {
        if (string.IsNullOrEmpty(commit)) return "<span class=\"muted\">not a git checkout</span>";
        var shortCommit = commit.Length > 12 ? commit[..12] : commit;
        var state = dirty switch
        {
            true => "<span class=\"badge warn\">dirty</span>",
            false => "<span class=\"badge\">clean</span>",
            null => "",
        };
        return $"<code title=\"{Markup.Escape(commit)}\">{Markup.Escape(shortCommit)}</code>{state}";
    }
}
