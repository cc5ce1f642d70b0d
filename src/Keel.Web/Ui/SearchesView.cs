using System.Globalization;
using System.Text;
using Keel.Core.Deployments;
using Keel.Core.Search;
using Keel.Pipeline.Search;
using Keel.Tracking;
using Keel.Web.Api;
using Microsoft.AspNetCore.Http;
using static Keel.Web.Ui.Html;

namespace Keel.Web.Ui;

/// <summary>/ui/searches and /ui/searches/{name}: studies from the study store, each trial's objective over time with the best so far, and parameter importance.</summary>
internal sealed class SearchesView(KeelStore store, Access access)
{
    public async Task<IResult> ListAsync(HttpContext ctx)
    {
        access.Require(ctx, TokenRole.Read);
        var rows = new List<string[]>();
        foreach (var s in (await StudyOverviews.ListAsync(store.Studies, store.Options.Time.GetUtcNow(), ctx.RequestAborted)).Reverse())
        {
            var values = s.Trials.Where(t => t.State == "complete" && t.Value is not null).Select(t => t.Value!.Value).DefaultIfEmpty(double.NaN).ToArray();
            rows.Add([
                $"<a href=\"/ui/searches/{U(s.Name)}\">{E(s.Name)}</a>", E(string.Join(", ", s.Families)),
                $"{s.Counts.Complete.ToString(CultureInfo.InvariantCulture)} / {(s.PlannedTrials?.ToString(CultureInfo.InvariantCulture) ?? "∞")}",
                s.Counts.Pruned.ToString(CultureInfo.InvariantCulture), s.Counts.Failed.ToString(CultureInfo.InvariantCulture),
                $"{N(values.Min())} … {N(values.Max())}", T(s.CreatedAt),
            ]);
        }
        var body = rows.Count == 0 ? Note("No searches yet: `keel search keel.yaml` runs one.") :
            Table(["Study", "Families", "Complete / planned", "Pruned", "Failed", "Objective range", "Created (UTC)"], rows, "studies");
        return Page("Searches", "Searches", body);
    }

    public async Task<IResult> RenderAsync(HttpContext ctx, string name)
    {
        var ct = ctx.RequestAborted;
        access.Require(ctx, TokenRole.Read);
        var study = await store.Studies.GetStudyAsync(name, ct) ?? throw new ApiException(404, "name", $"name: no study '{name}'");
        var trials = await store.Studies.ListTrialsAsync(name, ct);
        var overview = StudyOverviews.From(study, trials, store.Options.Time.GetUtcNow());
        var body = new StringBuilder();
        if (study.SearchRunId is { } runId) body.Append($"<p>Search run: <a href=\"/ui/runs/{U(runId)}\">{E(runId[..Math.Min(8, runId.Length)])}</a></p>");
        var complete = trials.Where(t => t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v)).ToList();
        body.Append("<div class=\"charts\">");
        if (complete.Count > 0)
        {
            var series = complete.GroupBy(t => t.Group).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ChartSeries(g.Key, g.Select(t => new[] { (double)t.Number, t.Value!.Value }).ToList())).ToList();
            var higher = overview.HigherIsBetter ?? true;
            var best = double.NaN;
            var bestLine = complete.OrderBy(t => t.Number).Select(t =>
            {
                best = double.IsNaN(best) || (higher ? t.Value > best : t.Value < best) ? t.Value!.Value : best;
                return new[] { (double)t.Number, best };
            }).ToList();
            series.Add(new ChartSeries("best so far", bestLine));
            body.Append(LineChart("history", "Objective by trial", series, "trial"));
        }
        var importance = ParameterImportance.Compute(trials, StudyOverviews.Spaces(study));
        if (importance.Count > 0)
            body.Append(BarChart("importance", "Parameter importance (share of the objective's variance, per family)", importance.Select(i => $"{i.Family}.{i.Param}").ToList(),
                importance.Select(i => Math.Round(i.Share, 4)).ToList(), "share"));
        body.Append("</div>");
        if (importance.Count == 0) body.Append(Note("Parameter importance needs at least 4 complete trials with a spread in the objective, per family."));
        // The options each trial ran with, as its tracked run records them (a categorical choice by name, not its index).
        body.Append("<h2>Trials</h2>").Append(Table(["#", "Family", "State", "Value", "Params", "Started (UTC)", "Run"], overview.Trials.Select(t => new[]
        {
            t.Number.ToString(CultureInfo.InvariantCulture), E(t.Family), E(t.State + (t.Stale ? " (stale)" : "")), t.Value is { } v ? N(v) : "–",
            E(string.Join(", ", t.Params.Select(p => $"{p.Key}={p.Value}"))), T(t.StartedAt),
            t.RunId is { } r ? $"<a href=\"/ui/runs/{U(r)}\">{E(r[..Math.Min(8, r.Length)])}</a>" : "",
        }), "trials"));
        return Page($"Search {name}", "Searches", body.ToString());
    }
}
