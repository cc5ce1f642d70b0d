using System.Globalization;
using System.Text;
using Keel.Core;
using Keel.Core.Deployments;
using Keel.Core.Tracking;
using Keel.Tracking;
using Keel.Web.Api;
using Microsoft.AspNetCore.Http;
using static Keel.Web.Ui.Html;

namespace Keel.Web.Ui;

/// <summary>
/// /ui/runs: experiments and one page of their runs, filtered with the API's syntax, sorted by a column, with chosen param and metric
/// columns (each metric's last value, min and max). Pages are keyset pages of the store's search: only the shown runs are read.
/// Without a filter, child runs (a search's trials) are left out unless ?children=show; a parent links to its children.
/// </summary>
internal sealed class RunsPage(KeelStore store, Access access)
{
    /// <summary>Runs per page unless ?page_size= says otherwise (at most <see cref="MaxPageSize"/>).</summary>
    public const int DefaultPageSize = 50;
    private const int MaxPageSize = 200;
    private const int DefaultMetricColumns = 6;
    private const int DefaultParamColumns = 4;

    public async Task<IResult> RenderAsync(HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        var token = access.Require(ctx, TokenRole.Read);
        var q = ctx.Request.Query;
        var experiments = (await store.Tracking.ListExperimentsAsync(ct)).Where(e => token is null || token.CoversExperiment(e.Name)).ToList();
        var experiment = Text(q["experiment"]);
        var ids = new List<string>();
        if (experiment is not null)
        {
            access.RequireExperiment(ctx, TokenRole.Read, experiment);
            ids.Add(experiments.FirstOrDefault(e => e.Name == experiment)?.Id ?? throw new ApiException(404, "experiment", $"experiment: no experiment called '{experiment}'"));
        }
        else if (token is { IsScoped: true }) ids.AddRange(experiments.Select(e => e.Id));
        var pageSize = DefaultPageSize;
        if (Text(q["page_size"]) is { } ps && (!int.TryParse(ps, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
            throw ApiException.Bad("page_size", $"a whole number from 1 to {MaxPageSize}");
        var view = new View(experiment, Text(q["filter"]), Text(q["order_by"]), Text(q["columns"]), pageSize)
        {
            Children = Text(q["children"]) switch
            {
                null => false,
                "show" => true,
                _ => throw ApiException.Bad("children", "show (list child runs, such as a search's trials, beside their parents)"),
            },
        };
        // Without a filter, a search's trials (child runs) stay out of the list: each parent says how many it has.
        var topLevel = view.Filter is null && !view.Children;

        var body = new StringBuilder();
        body.Append("<p class=\"experiments\">Experiments: ").Append(Link(view with { Experiment = null }, experiment is null ? "<b>all</b>" : "all"));
        foreach (var e in experiments)
            body.Append(" · ").Append(Link(view with { Experiment = e.Name }, e.Name == experiment ? $"<b>{E(e.Name)}</b>" : E(e.Name)));
        body.Append("</p>");
        body.Append("<form class=\"inline\" method=\"get\" action=\"/ui/runs\">");
        if (experiment is not null) body.Append($"<input type=\"hidden\" name=\"experiment\" value=\"{E(experiment)}\">");
        if (view.Children) body.Append("<input type=\"hidden\" name=\"children\" value=\"show\">");
        if (view.Columns is not null) body.Append($"<input type=\"hidden\" name=\"columns\" value=\"{E(view.Columns)}\">");
        body.Append($"<input type=\"text\" name=\"filter\" value=\"{E(view.Filter)}\" placeholder=\"(metrics.auc &gt; 0.85 or params.model = 'lgbm') and status = 'finished'\">")
            .Append($"<input type=\"text\" name=\"order_by\" value=\"{E(view.OrderBy)}\" placeholder=\"order by, e.g. metrics.auc desc\">")
            .Append("<button type=\"submit\">Search</button></form>");

        RunPage page;
        try
        {
            page = await store.Tracking.SearchRunsAsync(new RunQuery
            {
                ExperimentIds = ids, Filter = view.Filter, OrderBy = view.OrderBy, MaxResults = pageSize, PageToken = Text(q["page_token"]),
                TopLevel = topLevel,
            }, ct);
        }
        catch (KeelInputException e) when (e is not KeelNotFoundException)
        {
            return Page("Runs", "Runs", body + $"<p class=\"error\" id=\"search-error\">{E(e.Message)}</p>", 400);
        }

        var (metricKeys, paramKeys) = Columns(view.Columns, page.Runs);
        var summaries = (await store.Tracking.SummarizeMetricsAsync(page.Runs.Select(r => r.Id).ToList(), metricKeys, ct))
            .ToDictionary(s => (s.RunId, s.Key));
        var names = experiments.ToDictionary(e => e.Id, e => e.Name);
        var children = await store.Tracking.CountChildRunsAsync(page.Runs.Select(r => r.Id).ToList(), ct);
        // Said only where a listed run has children, so a store without searches shows no note.
        if (topLevel && children.Count > 0)
            body.Append("<p id=\"children-note\">Child runs (a search's trials) are left out; a parent run says how many it has. ")
                .Append(Link(view with { Children = true }, "List them too")).Append("</p>");
        else if (view.Children)
            body.Append("<p id=\"children-note\">Child runs are listed too. ").Append(Link(view with { Children = false }, "Leave them out")).Append("</p>");
        body.Append(ColumnChooser(view, page.Runs, metricKeys, paramKeys));
        body.Append("<form method=\"get\" action=\"/ui/compare\">");
        var head = new List<string> { "", Sort(view, "name", "Run"), "Experiment", "Status", Sort(view, "start_time", "Started"), "Duration" };
        head.AddRange(paramKeys.Select(k => E(k)));
        head.AddRange(metricKeys.Select(k => Sort(view, "metrics." + k, k)));
        var rows = page.Runs.Select(r =>
        {
            var cells = new List<string>
            {
                $"<input type=\"checkbox\" name=\"run\" value=\"{r.Id}\" aria-label=\"select {E(r.Name)}\">",
                $"<a href=\"/ui/runs/{r.Id}\">{E(r.Name)}</a> <span class=\"range\">{r.Id[..8]}</span>"
                    + (children.TryGetValue(r.Id, out var count) ? $" <a class=\"children\" href=\"{E(ChildrenUrl(names.GetValueOrDefault(r.ExperimentId), r.Id))}\">{count} child run{(count == 1 ? "" : "s")}</a>" : ""),
                E(names.GetValueOrDefault(r.ExperimentId, "")), E(r.Status.ToString().ToLowerInvariant()), T(r.StartTime), Duration(r),
            };
            cells.AddRange(paramKeys.Select(k => E(r.Params.GetValueOrDefault(k, ""))));
            cells.AddRange(metricKeys.Select(k => summaries.TryGetValue((r.Id, k), out var s)
                ? $"{N(s.Last)}{(s.Count > 1 ? $"<span class=\"range\">{N(s.Min)} … {N(s.Max)}</span>" : "")}" : ""));
            return cells;
        });
        body.Append(Table(head, rows, "runs"));
        body.Append("<p><button type=\"submit\">Compare selected runs</button></p></form>");
        body.Append("<p class=\"pager\">");
        if (Text(q["page_token"]) is not null) body.Append(Link(view, "First page")).Append(' ');
        if (page.NextPageToken is not null) body.Append(Link(view, "Next page →", page.NextPageToken));
        if (page.Runs.Count == 0)
            body.Append(experiments.Count == 0 ? "The store has no experiments yet: run <code>keel run keel.yaml</code> or log runs with Keel.Client." : "No runs match.");
        body.Append("</p>");
        return Page("Runs", "Runs", body.ToString());
    }

    /// <summary>The runs page listing the child runs of <paramref name="parentId"/> (in its experiment when known).</summary>
    private static string ChildrenUrl(string? experiment, string parentId) =>
        new View(experiment, $"tags.{RunTags.Parent} = '{parentId}'", "start_time asc", null, DefaultPageSize).Url();

    /// <summary>What the page shows, carried from link to link (page tokens are not: each link says its own).</summary>
    private sealed record View(string? Experiment, string? Filter, string? OrderBy, string? Columns, int PageSize)
    {
        /// <summary>?children=show: child runs are listed beside their parents even without a filter.</summary>
        public bool Children { get; init; }

        public string Url(string? pageToken = null)
        {
            var parts = new List<string>();
            void Add(string name, string? value) { if (value is not null) parts.Add($"{name}={U(value)}"); }
            Add("experiment", Experiment);
            Add("filter", Filter);
            Add("order_by", OrderBy);
            Add("columns", Columns);
            if (Children) Add("children", "show");
            if (PageSize != DefaultPageSize) Add("page_size", PageSize.ToString(CultureInfo.InvariantCulture));
            Add("page_token", pageToken);
            return "/ui/runs" + (parts.Count > 0 ? "?" + string.Join("&", parts) : "");
        }
    }

    private static string Link(View view, string html, string? pageToken = null) => $"<a href=\"{E(view.Url(pageToken))}\">{html}</a>";

    /// <summary>A header that sorts by <paramref name="field"/>: descending first, then ascending; the current direction is marked.</summary>
    private static string Sort(View view, string field, string title)
    {
        var current = view.OrderBy?.Split(',')[0].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var on = current.Length > 0 && current[0].Equals(field, StringComparison.OrdinalIgnoreCase);
        var desc = on && current.Length > 1 && current[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
        var next = on && desc ? field + " asc" : field + " desc";
        var mark = on ? (desc ? " ▼" : " ▲") : "";
        return $"<a class=\"sort\" href=\"{E((view with { OrderBy = next }).Url())}\">{E(title)}{mark}</a>";
    }

    /// <summary>The chosen columns (?columns=metrics.auc,params.lr), or the first metric and param names found on the page.</summary>
    private static (List<string> Metrics, List<string> Params) Columns(string? chosen, IReadOnlyList<Run> runs)
    {
        if (chosen is not null)
        {
            var items = chosen.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var metrics = items.Where(i => i.StartsWith("metrics.", StringComparison.Ordinal)).Select(i => i["metrics.".Length..]).Where(k => k.Length > 0).Distinct().Take(100).ToList();
            var ps = items.Where(i => i.StartsWith("params.", StringComparison.Ordinal)).Select(i => i["params.".Length..]).Where(k => k.Length > 0).Distinct().ToList();
            if (metrics.Count + ps.Count < items.Length)
                throw ApiException.Bad("columns", "a comma-separated list of metrics.NAME and params.NAME");
            return (metrics, ps);
        }
        return (runs.SelectMany(r => r.Metrics.Keys).Distinct().Order(StringComparer.Ordinal).Take(DefaultMetricColumns).ToList(),
            runs.SelectMany(r => r.Params.Keys).Distinct().Order(StringComparer.Ordinal).Take(DefaultParamColumns).ToList());
    }

    /// <summary>Check boxes for every metric and param name on this page; submitting sets ?columns=.</summary>
    private static string ColumnChooser(View view, IReadOnlyList<Run> runs, List<string> metricKeys, List<string> paramKeys)
    {
        var sb = new StringBuilder("<details class=\"columns\"><summary>Columns</summary><form method=\"get\" action=\"/ui/runs\" id=\"column-form\">");
        foreach (var (name, value) in new[] { ("experiment", view.Experiment), ("filter", view.Filter), ("order_by", view.OrderBy), ("children", view.Children ? "show" : null) })
            if (value is not null) sb.Append($"<input type=\"hidden\" name=\"{name}\" value=\"{E(value)}\">");
        var all = runs.SelectMany(r => r.Params.Keys).Distinct().Order(StringComparer.Ordinal).Select(k => ("params." + k, paramKeys.Contains(k)))
            .Concat(runs.SelectMany(r => r.Metrics.Keys).Distinct().Order(StringComparer.Ordinal).Select(k => ("metrics." + k, metricKeys.Contains(k))));
        foreach (var (column, on) in all)
            sb.Append($"<label><input type=\"checkbox\" value=\"{E(column)}\"{(on ? " checked" : "")}> {E(column)}</label>");
        // The boxes are joined into one ?columns= value so links stay short; without JavaScript the defaults stay.
        sb.Append("<input type=\"hidden\" name=\"columns\"><button type=\"submit\" onclick=\"var f=this.form;f.columns.value=[...f.querySelectorAll('input[type=checkbox]:checked')].map(c=>c.value).join(',')\">Show</button></form></details>");
        return sb.ToString();
    }

    private static string Duration(Run r)
    {
        if (r.EndTime is not { } end) return "";
        var d = end - r.StartTime;
        var c = CultureInfo.InvariantCulture;
        return d.TotalSeconds < 60 ? d.TotalSeconds.ToString("0.#", c) + " s" : d.TotalMinutes < 60 ? d.TotalMinutes.ToString("0.#", c) + " min" : d.TotalHours.ToString("0.#", c) + " h";
    }

    internal static string? Text(Microsoft.Extensions.Primitives.StringValues v) => v.ToString() is { Length: > 0 } s ? s : null;
}
