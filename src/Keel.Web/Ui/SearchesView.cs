using System.Globalization;
using System.Text;
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
        var token = access.Require(ctx, TokenRole.Read);
        var rows = new List<string[]>();
        var experiments = await ExperimentNamesAsync(ctx.RequestAborted);
        foreach (var s in (await StudyOverviews.ListAsync(store.Studies, store.Options.Time.GetUtcNow(), ctx.RequestAborted)).Reverse())
        {
            // A scoped token sees the studies of its experiments only.
            if (token is not null && !token.CoversExperiment(await ExperimentOfAsync(s.SearchRunId, experiments, ctx.RequestAborted) ?? "")) continue;
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
        var study = await store.Studies.GetStudyAsync(name, ct) ?? throw new ApiException(404, "name", $"name: no study '{name}'");
        // A study belongs to the experiment of its search run; one whose run is unknown is open to unscoped tokens only.
        access.RequireExperiment(ctx, TokenRole.Read, await ExperimentOfAsync(study.SearchRunId, await ExperimentNamesAsync(ct), ct) ?? "");
        var trials = await store.Studies.ListTrialsAsync(name, ct);
        var overview = StudyOverviews.From(study, trials, store.Options.Time.GetUtcNow());
        var body = new StringBuilder();
        if (overview.Sampler is { } sampler) body.Append($"<p>Sampler {E(sampler)}, pruner {E(overview.Pruner ?? "?")}.</p>");
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
        var spaces = overview.Spaces;
        var importance = ParameterImportance.Compute(trials, spaces);
        if (importance.Count > 0)
            body.Append(BarChart("importance", "Parameter importance (share of the objective's variance, per family)", importance.Select(i => $"{i.Family}.{i.Param}").ToList(),
                importance.Select(i => Math.Round(i.Share, 4)).ToList(), "share"));
        body.Append("</div>");
        if (importance.Count == 0) body.Append(Note("Parameter importance needs at least 4 complete trials per family, and a parameter whose groups explain more of the objective's spread than groups of noise would (ε²)."));
        body.Append(await ParetoAsync(overview, ctx.RequestAborted));
        body.Append(IntermediateValues(TrialCurves.From(trials)));
        body.Append(Parallel(spaces, complete, overview));
        body.Append(Pairs(spaces, complete, importance, overview));
        // The options each trial ran with, as its tracked run records them (a categorical choice by name, not its index).
        // A multi-objective study's trials also show their value per objective, as the study keeps them for the sampler.
        var objectives = overview.Objectives.Count > 1 ? overview.Objectives : [];
        string[] headers = ["#", "Family", "State", "Value", .. objectives.Count > 0 ? [string.Join(" · ", objectives.Select(ParetoPoints.Axis))] : Array.Empty<string>(),
            "Params", "Started (UTC)", "Run"];
        body.Append("<h2>Trials</h2>").Append(Table(headers, overview.Trials.Select(t => (string[])
        [
            t.Number.ToString(CultureInfo.InvariantCulture) + (t.Defaults ? " (defaults)" : t.Enqueued ? " (enqueued)" : "") + (t.Generation is { } g ? $" (gen {g.ToString(CultureInfo.InvariantCulture)})" : ""), E(t.Family), E(t.State + (t.Stale ? " (stale)" : "")), t.Value is { } v ? N(v) : "–",
            .. objectives.Count > 0 ? [t.Values is { } vs && vs.Count == objectives.Count ? E(ParetoPoints.FormatValues(vs)) : "–"] : Array.Empty<string>(),
            E(string.Join(", ", t.Params.Select(p => $"{p.Key}={p.Value}"))), T(t.StartedAt),
            t.RunId is { } r ? $"<a href=\"/ui/runs/{U(r)}\">{E(r[..Math.Min(8, r.Length)])}</a>" : "",
        ]), "trials"));
        // Live while a worker is heard from; a trial whose worker went silent (stale) waits for the next claim, not for this page.
        var live = overview.Trials.Any(t => t.State == "running" && !t.Stale);
        if (live) body.Insert(0, Note($"Trials are running: this page reloads every {LiveRefreshSeconds} s."));
        return Page($"Search {name}", "Searches", body.ToString(), refreshSeconds: live ? LiveRefreshSeconds : null);
    }

    /// <summary>A multi-objective study: every complete trial against the first objective, one scatter per other objective, the front
    /// (the trials no other beats on every objective) apart; values from the trials' tracked runs, as the search report reads them.</summary>
    private async Task<string> ParetoAsync(StudyOverview overview, CancellationToken ct)
    {
        var objectives = overview.Objectives;
        if (objectives.Count < 2) return "";
        var points = await ParetoPoints.ReadAsync(store.Tracking, objectives,
            overview.Trials.Where(t => t.State == "complete" && t.RunId is not null).Select(t => (t.Number, t.Family, t.RunId!)), ct);
        if (points.Count == 0) return "";
        var front = ParetoPoints.Front(objectives, points).Select(p => p.Trial).ToHashSet();
        var body = new StringBuilder("<h2>Pareto front</h2><p>").Append(E($"{front.Count} of {points.Count} complete trials are on the front " +
            $"({string.Join(", ", objectives.Select(o => $"{o.Name} {(o.HigherIsBetter ? "higher" : "lower")} is better"))}): no other trial beats them on every objective. " +
            "With three or more objectives a front trial can look beaten in one picture, by being better on an objective it leaves out. " + ParetoPoints.HypervolumeNote)).Append("</p><div class=\"charts\">");
        body.Append(LineChart("hypervolume", "Front hypervolume by trial",
            [new ChartSeries("hypervolume", ParetoPoints.HypervolumeHistory(objectives, points).Select(x => new[] { (double)x.Trial, x.Share }).ToList())], "trial", legend: false));
        foreach (var o in objectives.Skip(1))
        {
            ChartSeries Of(string label, bool onFront) => new(label, points.Where(p => front.Contains(p.Trial) == onFront)
                .Select(p => new[] { p.Objectives[o.Name], p.Objectives[objectives[0].Name] }).Where(xy => xy.All(double.IsFinite)).ToList());
            body.Append(ScatterChart($"pareto-{o.Name}", $"{objectives[0].Name} against {ParetoPoints.Axis(o)}", [Of("other trials", false), Of("Pareto front", true)],
                ParetoPoints.Axis(o), objectives[0].Name, xLog: ParetoPoints.LogAxis(o)));
        }
        return body.Append("</div>").ToString();
    }

    /// <summary>Per family, its two most important parameters against each other, trials by thirds of the objective (<see cref="ParameterPair"/>).</summary>
    private static string Pairs(IReadOnlyDictionary<string, SearchSpace> spaces, IReadOnlyList<TrialRecord> complete, IReadOnlyList<ParamImportance> importance,
        StudyOverview overview)
    {
        var charts = new StringBuilder();
        foreach (var (family, space) in spaces.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var trials = complete.Where(t => t.Group == family).Select(t => (t.Params, t.Value!.Value)).ToArray();
            if (ParameterPair.Of(family, space, importance, trials, overview.HigherIsBetter ?? true) is not { } pair) continue;
            charts.Append(ScatterChart($"pair-{family}", pair.Title(overview.Metric ?? "value"),
                pair.Thirds.Select(t => new ChartSeries(t.Label, t.Dots.Select(d => new[] { d.X, d.Y }).ToList())).ToList(), ParameterPair.Axis(pair.X), ParameterPair.Axis(pair.Y)));
        }
        return charts.Length == 0 ? "" : "<h2>Parameter pairs</h2><p>Each family's two most important parameters against each other, one dot per complete trial, " +
            "by the third of the trials (by the objective) it falls in.</p><div class=\"charts\">" + charts + "</div>";
    }

    /// <summary>Per family with boosting rounds: each trial's reported validation loss by round (what the pruner judged).</summary>
    private static string IntermediateValues(IReadOnlyList<TrialCurve> curves)
    {
        if (curves.Count == 0) return "";
        var body = new StringBuilder("<h2>Intermediate values</h2><p>The validation loss each boosted trial reported after every round (log loss, or RMSE for regression; under cv the fold mean); a pruned trial's line ends where the pruner stopped it.</p><div class=\"charts\">");
        foreach (var family in TrialCurves.Families(curves))
        {
            var series = curves.Where(c => c.Family == family)
                .Select(c => new ChartSeries(c.Label, Downsample(c.Losses.Select(kv => new[] { (double)kv.Key, kv.Value }).ToArray(), 400))).ToList();
            body.Append(LineChart($"intermediate-{family}", $"{family}: validation loss per round", series, "boosting round", legend: series.Count <= 16));
        }
        return body.Append("</div>").ToString();
    }

    /// <summary>Per family: one line per complete trial across its parameters and the objective, darker the better (log ranges on
    /// log axes, each numeric axis spanning the space's range); hovering shows each option as it ran.</summary>
    private static string Parallel(IReadOnlyDictionary<string, SearchSpace> spaces, IReadOnlyList<TrialRecord> complete, StudyOverview overview)
    {
        var body = new StringBuilder();
        var options = overview.Trials.ToDictionary(t => t.Number, t => t.Params);
        var higher = overview.HigherIsBetter ?? true;
        foreach (var (family, space) in spaces.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            // Best first: Chart.js draws the first dataset on top.
            var done = complete.Where(t => t.Group == family).OrderBy(t => higher ? -t.Value : t.Value).ToList();
            if (done.Count == 0 || space.Params.Count == 0) continue;
            var (lo, hi) = (done.Min(t => t.Value!.Value), done.Max(t => t.Value!.Value));
            var lines = done.Select(t =>
            {
                var points = space.Params.Select((p, i) => t.Params.TryGetValue(p.Name, out var v) ? new[] { i, Axis(p, v), v } : [i, double.NaN, double.NaN])
                    .Append([space.Params.Count, Span(t.Value!.Value, lo, hi), t.Value!.Value]).ToList();
                var texts = space.Params.Select(p => options[t.Number].GetValueOrDefault(p.Name, "—")).Append(N(t.Value!.Value)).ToList();
                var shade = Span(t.Value!.Value, lo, hi);
                return new ChartSeries($"#{t.Number}", points) { Texts = texts, Shade = higher ? shade : 1 - shade };
            }).ToList();
            var axes = space.Params.Select(p => p.Name).Append(overview.Metric ?? "value").ToList();
            body.Append(ParallelChart($"parallel-{family}", $"{family}: complete trials (darker is better)", axes, lines, legend: lines.Count <= 16));
        }
        return body.Length == 0 ? "" : $"<h2>Parallel coordinates</h2><div class=\"charts\">{body}</div>";
    }

    /// <summary>A parameter's internal value placed 0..1 on its axis: by choice for a categorical, over the space's range (in log
    /// space for a log range) otherwise.</summary>
    private static double Axis(ParamSpec p, double v)
    {
        double T(double x) => p.Distribution.IsLog ? Math.Log(x) : x;
        return p.Distribution switch
        {
            CategoricalDistribution c => c.Choices.Count > 1 ? v / (c.Choices.Count - 1) : 0.5,
            FloatDistribution f => Span(T(v), T(f.Low), T(f.High)),
            IntDistribution i => Span(T(v), T(i.Low), T(i.High)),
            _ => 0.5,
        };
    }

    /// <summary><paramref name="v"/> placed 0..1 between <paramref name="a"/> and <paramref name="b"/>; 0.5 when they are equal.</summary>
    private static double Span(double v, double a, double b) => b > a ? Math.Clamp((v - a) / (b - a), 0, 1) : 0.5;

    /// <summary>Experiment names by id.</summary>
    private async Task<Dictionary<string, string>> ExperimentNamesAsync(CancellationToken ct) =>
        (await store.Tracking.ListExperimentsAsync(ct)).ToDictionary(e => e.Id, e => e.Name, StringComparer.Ordinal);

    /// <summary>The experiment of a study's search run, or null when the study has no run (yet) or the run is gone.</summary>
    private async Task<string?> ExperimentOfAsync(string? searchRunId, Dictionary<string, string> names, CancellationToken ct) =>
        searchRunId is not null && await store.Tracking.GetRunAsync(searchRunId, ct) is { } run && names.TryGetValue(run.ExperimentId, out var name) ? name : null;
}
