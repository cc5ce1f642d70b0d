using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Search;
using Keel.Pipeline.Search;
using Keel.Search;
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
        var studies = await store.Studies.ListStudiesAsync(ctx.RequestAborted);
        var rows = new List<string[]>();
        foreach (var s in studies.Reverse())
        {
            var trials = await store.Studies.ListTrialsAsync(s.Name, ctx.RequestAborted);
            var best = trials.Where(t => t.State == TrialState.Complete && t.Value is not null).Select(t => t.Value!.Value).DefaultIfEmpty(double.NaN);
            rows.Add([
                $"<a href=\"/ui/searches/{U(s.Name)}\">{E(s.Name)}</a>", E(string.Join(", ", s.Groups)),
                $"{trials.Count(t => t.State == TrialState.Complete).ToString(CultureInfo.InvariantCulture)} / {(s.PlannedTrials?.ToString(CultureInfo.InvariantCulture) ?? "∞")}",
                trials.Count(t => t.State == TrialState.Pruned).ToString(CultureInfo.InvariantCulture), trials.Count(t => t.State == TrialState.Failed).ToString(CultureInfo.InvariantCulture),
                $"{N(best.Min())} … {N(best.Max())}", T(s.CreatedAt),
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
        var body = new StringBuilder();
        if (study.SearchRunId is { } runId) body.Append($"<p>Search run: <a href=\"/ui/runs/{U(runId)}\">{E(runId[..Math.Min(8, runId.Length)])}</a></p>");
        var complete = trials.Where(t => t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v)).ToList();
        body.Append("<div class=\"charts\">");
        if (complete.Count > 0)
        {
            var series = complete.GroupBy(t => t.Group).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ChartSeries(g.Key, g.Select(t => new[] { (double)t.Number, t.Value!.Value }).ToList())).ToList();
                var higher = Direction(study) ?? true;
            var best = double.NaN;
            var bestLine = complete.OrderBy(t => t.Number).Select(t =>
            {
                best = double.IsNaN(best) || (higher ? t.Value > best : t.Value < best) ? t.Value!.Value : best;
                return new[] { (double)t.Number, best };
            }).ToList();
            series.Add(new ChartSeries("best so far", bestLine));
            body.Append(LineChart("history", "Objective by trial", series, "trial"));
        }
        var importance = Importance(study, trials);
        if (importance.Count > 0)
            body.Append(BarChart("importance", "Parameter importance (share of the objective's variance, per family)", importance.Select(i => $"{i.Family}.{i.Param}").ToList(),
                importance.Select(i => Math.Round(i.Share, 4)).ToList(), "share"));
        body.Append("</div>");
        if (importance.Count == 0) body.Append(Note("Parameter importance needs at least 4 complete trials with a spread in the objective, per family."));
        body.Append("<h2>Trials</h2>").Append(Table(["#", "Family", "State", "Value", "Params", "Started (UTC)", "Run"], trials.Select(t => new[]
        {
            t.Number.ToString(CultureInfo.InvariantCulture), E(t.Group), E(t.State.ToString().ToLowerInvariant()), t.Value is { } v ? N(v) : "–",
            E(string.Join(", ", t.Params.Select(p => $"{p.Key}={p.Value.ToString("G4", CultureInfo.InvariantCulture)}"))), T(t.StartedAt),
            t.RunId is { } r ? $"<a href=\"/ui/runs/{U(r)}\">{E(r[..Math.Min(8, r.Length)])}</a>" : "",
        }), "trials"));
        return Page($"Search {name}", "Searches", body.ToString());
    }

    /// <summary>The study's spaces read back from its definition (the lines <c>SearchSpaces.Describe</c> writes), then η² per parameter.</summary>
    private static IReadOnlyList<ParamImportance> Importance(StudyRecord study, IReadOnlyList<TrialRecord> trials)
    {
        var spaces = new Dictionary<string, SearchSpace>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(study.DefinitionJson);
            if (!doc.RootElement.TryGetProperty("Spaces", out var described) || described.ValueKind != JsonValueKind.Object) return [];
            foreach (var family in described.EnumerateObject())
                spaces[family.Name] = new SearchSpace((family.Value.GetString() ?? "").Split("; ", StringSplitOptions.RemoveEmptyEntries).Select(Param).ToList());
        }
        catch (JsonException)
        {
            return [];
        }
        return ParameterImportance.Compute(trials, spaces);
    }

    /// <summary>"name {a, b}" is categorical; anything else is binned as a number ("int" and "log" only matter for sampling, and ranks ignore log).</summary>
    private static ParamSpec Param(string line)
    {
        var name = line.Split(' ', 2)[0];
        var open = line.IndexOf('{', StringComparison.Ordinal);
        return open > 0 && line.IndexOf('}', open) is var close and > 0
            ? new ParamSpec(name, new CategoricalDistribution(line[(open + 1)..close].Split(", ")))
            : new ParamSpec(name, new FloatDistribution(0, 1));
    }

    /// <summary>Whether a higher objective is better, from the metric named in the definition (scikit-learn's convention: *_error and *_loss are lower-better).</summary>
    private static bool? Direction(StudyRecord study)
    {
        try
        {
            using var doc = JsonDocument.Parse(study.DefinitionJson);
            if (!doc.RootElement.TryGetProperty("Metric", out var m) || m.GetString() is not { } metric) return null;
            return Keel.Core.Metrics.MetricCatalog.All.TryGetValue(metric, out var info) ? info.HigherIsBetter : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
