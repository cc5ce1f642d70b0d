using System.Globalization;
using System.Net;
using System.Text;
using Keel.Reports;
using Keel.Search;

namespace Keel.Pipeline.Search;

/// <summary>The search report: budget per family, optimisation history, parameter importance and parallel coordinates, as one
/// self-contained HTML page with inline SVG (a pure function of the outcome, so a stored search can be drawn again).</summary>
public static class SearchReport
{
    /// <summary>The report page of <paramref name="outcome"/>.</summary>
    public static string Render(SearchOutcome outcome, SearchPlan plan)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(plan);
        var h = new StringBuilder();
        string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        string N(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("0.####", CultureInfo.InvariantCulture) : "—";
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E($"search {outcome.Study}")).Append("</title>")
         .Append("<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}")
         .Append("td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}td.n{text-align:right}figure{margin:1rem 0}</style></head><body>");
        h.Append("<h1>Search ").Append(E(outcome.Study)).Append("</h1>");
        h.Append("<p>Objective: ").Append(E(plan.Scoring)).Append(' ').Append(E(outcome.Metric)).Append(outcome.HigherIsBetter ? " (higher is better)" : " (lower is better)")
         .Append("; sampler ").Append(E(plan.SamplerText)).Append(", pruner ").Append(E(plan.PrunerText)).Append("; ")
         .Append(outcome.Trials.Count).Append(" trials").Append(outcome.Planned is { } p ? $" of {p} planned" : "")
         .Append(outcome.Complete ? "" : " (budget not used up: timeout, or trials still running elsewhere)").Append(".</p>");
        if (outcome.Final is { } final)
        {
            h.Append("<p>Final run ").Append(E(final.RunId)).Append(": selected <b>").Append(E(final.Selected)).Append("</b>, test ")
             .Append(E(outcome.Metric)).Append(' ').Append(N(final.Final.TestMetrics.GetValueOrDefault(outcome.Metric, double.NaN)))
             .Append(final.Registered is { } r ? $", registered {E(r.Name)} v{r.Version}" : "").Append(".</p>");
        }

        h.Append("<h2>Budget per family</h2><p>Every family gets the same number of trials (trial i belongs to family i mod ")
         .Append(plan.Families.Count).Append("); rounds and seconds show what each actually used once pruned.</p><table><tr><th>family</th><th>trials</th><th>complete</th><th>pruned</th><th>failed</th><th>boosting rounds</th><th>seconds</th><th>best</th><th>best trial</th><th>space</th></tr>");
        foreach (var b in outcome.Budgets)
        {
            h.Append($"<tr><td>{E(b.Family)}</td><td class=n>{b.Trials}</td><td class=n>{b.Complete}</td><td class=n>{b.Pruned}</td><td class=n>{b.Failed}</td>")
             .Append($"<td class=n>{b.Rounds}</td><td class=n>{N(b.Seconds)}</td><td class=n>{N(b.Best)}</td><td class=n>{(b.BestTrial is { } t ? t.ToString(CultureInfo.InvariantCulture) : "—")}</td>")
             .Append($"<td>{E(SearchSpaces.Describe(plan.Spaces[b.Family]))}{Fixed(plan, b.Family)}</td></tr>");
        }
        h.Append("</table>");
        if (plan.Enqueued.Count > 0)
        {
            string Trials(IEnumerable<KeyValuePair<int, IReadOnlyDictionary<string, double>>> trials) => E(string.Join("; ", trials.OrderBy(kv => kv.Key).Select(kv =>
            {
                var space = plan.Spaces[plan.Families[kv.Key % plan.Families.Count]];
                return $"trial {kv.Key} ({plan.Families[kv.Key % plan.Families.Count]}): " +
                    string.Join(", ", kv.Value.Select(g => $"{g.Key}={space.Params.First(p => p.Name == g.Key).Distribution.Format(g.Value)}"));
            })));
            var given = plan.Enqueued.Where(kv => !plan.Defaults.Contains(kv.Key)).ToArray();
            var defaults = plan.Enqueued.Where(kv => plan.Defaults.Contains(kv.Key)).ToArray();
            if (given.Length > 0) h.Append("<p>Enqueued (search.enqueue: these options given, the rest sampled): ").Append(Trials(given)).Append(".</p>");
            if (defaults.Length > 0)
                h.Append("<p>Started from the defaults (search.start_from_defaults: each family's first trial trains the options keel run would, where its space holds them): ")
                    .Append(Trials(defaults)).Append(".</p>");
        }
        if (plan.NothingToSearch.Count > 0)
        {
            h.Append("<p>Not searched: ").Append(E(string.Join(", ", plan.NothingToSearch)))
             .Append(" (the options of its model in the spec fix its whole default space; it competes in the final run as given).</p>");
        }

        if (outcome.ParetoFront is { } front)
        {
            h.Append("<h2>Pareto front</h2><p>Complete trials that no other complete trial beats on every objective at once (")
             .Append(E(string.Join(", ", plan.Objectives.Select(o => $"{o.Name} {(o.HigherIsBetter ? "higher" : "lower")} is better")))).Append(").</p><table><tr><th>trial</th><th>family</th>");
            foreach (var o in plan.Objectives) h.Append("<th>").Append(E(ParetoPoints.Axis(o))).Append("</th>");
            h.Append("</tr>");
            foreach (var pt in front)
            {
                h.Append($"<tr><td class=n>{pt.Trial}</td><td>{E(pt.Family)}</td>");
                foreach (var o in plan.Objectives) h.Append("<td class=n>").Append(N(pt.Objectives[o.Name])).Append("</td>");
                h.Append("</tr>");
            }
            h.Append("</table>");
            h.Append(ParetoCharts(outcome, plan));
        }

        h.Append("<h2>Optimisation history</h2><figure>").Append(History(outcome)).Append("</figure>");
        h.Append(IntermediateValues(outcome));

        h.Append("<h2>Parameter importance</h2><p>Share of the variance of each family's complete-trial values that goes with each parameter (ε², a first-order fANOVA corrected for the number of groups; see docs/search.md).</p>");
        foreach (var family in plan.Families)
        {
            var bars = outcome.Importance.Where(i => i.Family == family).Select(i => new BarDatum(i.Param, i.Share)).ToArray();
            if (bars.Length > 0) h.Append("<figure>").Append(SvgCharts.BarChart($"{family}: parameter importance", bars, new ChartOptions { Width = 480 })).Append("</figure>");
        }

        h.Append("<h2>Parallel coordinates</h2>");
        foreach (var family in plan.Families)
        {
            var space = plan.Spaces[family];
            var done = outcome.Trials.Where(t => t.Family == family && t.Value is not null).ToArray();
            if (done.Length == 0) continue;
            var axes = space.Params.Select(q => new ParallelAxis(q.Name, q.Distribution.IsLog,
                q.Distribution is CategoricalDistribution c ? c.Choices : null)).Append(new ParallelAxis(outcome.Metric) { HigherIsBetter = outcome.HigherIsBetter }).ToArray();
            var rows = done.Select(t => space.Params.Select(q => Value(q, t)).Append(t.Value!.Value).ToArray()).ToArray();
            h.Append("<figure>").Append(SvgCharts.ParallelCoordinates($"{family}: complete trials", axes, rows)).Append("</figure>");
        }

        h.Append(Slices(outcome, plan));
        h.Append(Pairs(outcome, plan));

        h.Append("<h2>Trials</h2><table><tr><th>#</th><th>family</th><th>state</th><th>value</th><th>rounds</th><th>attempt</th><th>options</th><th>run</th></tr>");
        foreach (var t in outcome.Trials)
        {
            h.Append($"<tr><td class=n>{t.Number}</td><td>{E(t.Family)}</td><td>{E(t.State)}</td><td class=n>{N(t.Value)}</td><td class=n>{t.Rounds}</td>")
             .Append($"<td class=n>{t.Attempt}</td><td>{E(string.Join(", ", t.Options.Select(kv => $"{kv.Key}={kv.Value}")))}</td><td>{E(t.RunId)}</td></tr>");
        }
        h.Append("</table></body></html>");
        return h.ToString();
    }

    /// <summary>One scatter per objective after the first: every complete trial at (that objective, the first), the front apart.</summary>
    private static string ParetoCharts(SearchOutcome outcome, SearchPlan plan)
    {
        if (outcome.ObjectivePoints is not { Count: > 0 } points || plan.Objectives.Count < 2) return "";
        var onFront = (outcome.ParetoFront ?? []).Select(p => p.Trial).ToHashSet();
        var first = plan.Objectives[0];
        var h = new StringBuilder("<p>").Append(WebUtility.HtmlEncode(ParetoPoints.HypervolumeNote)).Append("</p><figure>")
            .Append(SvgCharts.LineChart("Front hypervolume by trial", "trial", "share of the box",
                [new Series("hypervolume", ParetoPoints.HypervolumeHistory(plan.Objectives, points).Select(x => new Point(x.Trial, x.Share)).ToArray())]))
            .Append("</figure><p>Each chart below shows two of the objectives; with three or more, a trial on the front may look beaten in one picture, because it is better on an objective the picture leaves out.</p>");
        foreach (var o in plan.Objectives.Skip(1))
        {
            var log = ParetoPoints.LogAxis(o);
            Series Of(string name, bool front) => new(name, points.Where(p => onFront.Contains(p.Trial) == front)
                .Select(p => new Point(log ? Math.Log10(p.Objectives[o.Name]) : p.Objectives[o.Name], p.Objectives[first.Name]))
                .Where(q => double.IsFinite(q.X) && double.IsFinite(q.Y)).ToArray());
            h.Append("<figure>").Append(SvgCharts.ScatterChart($"Pareto front: {first.Name} against {ParetoPoints.Axis(o)}", log ? $"log10({ParetoPoints.Axis(o)})" : ParetoPoints.Axis(o), first.Name,
                [Of("other trials", false), Of("Pareto front", true)], new ChartOptions { ShowLegend = true })).Append("</figure>");
        }
        return h.ToString();
    }

    /// <summary>Per family with boosting rounds: each trial's reported validation loss by round, pruned trials ending early.</summary>
    private static string IntermediateValues(SearchOutcome outcome)
    {
        if (outcome.Curves.Count == 0) return "";
        var h = new StringBuilder("<h2>Intermediate values</h2><p>The validation loss each boosted trial reported after every round (log loss, or RMSE for regression; " +
            "under cv the fold mean), which the pruner judged: a pruned trial's line ends where it was stopped, at the end of the rung it fell behind in.</p>");
        foreach (var family in TrialCurves.Families(outcome.Curves))
        {
            var series = outcome.Curves.Where(c => c.Family == family)
                .Select(c => new Series(c.Label, c.Losses.Select(kv => new Point(kv.Key, kv.Value)).ToArray())).ToArray();
            h.Append("<figure>").Append(SvgCharts.LineChart($"{family}: validation loss per round", "boosting round", "validation loss", series,
                new ChartOptions { Width = 720, ShowLegend = series.Length <= 16 })).Append("</figure>");
        }
        return h.ToString();
    }

    /// <summary>Per family, the objective against each parameter, one point per complete trial (Optuna's <c>plot_slice</c>).</summary>
    private static string Slices(SearchOutcome outcome, SearchPlan plan)
    {
        var h = new StringBuilder();
        foreach (var family in plan.Families)
        {
            var done = outcome.Trials.Where(t => t.Family == family && t.Value is not null).ToArray();
            if (done.Length == 0) continue;
            h.Append("<h3>").Append(WebUtility.HtmlEncode(family)).Append("</h3><div>");
            foreach (var p in plan.Spaces[family].Params)
            {
                var log = p.Distribution.IsLog;
                var points = done.Select(t => (X: Value(p, t), Y: t.Value!.Value)).Where(q => !double.IsNaN(q.X))
                    .Select(q => new Point(log ? Math.Log10(q.X) : q.X, q.Y)).ToArray();
                var axis = p.Distribution is CategoricalDistribution c
                    ? $"{p.Name} ({string.Join(", ", c.Choices.Select((choice, i) => $"{i} = {choice}"))})"
                    : log ? $"log10({p.Name})" : p.Name;
                h.Append("<figure style=\"display:inline-block;margin:0 8px 8px 0\">")
                 .Append(SvgCharts.ScatterChart($"{family}: {outcome.Metric} by {p.Name}", axis, outcome.Metric, [new Series("complete trials", points)],
                     new ChartOptions { Width = 320, Height = 240, ShowLegend = false }))
                 .Append("</figure>");
            }
            h.Append("</div>");
        }
        return h.Length == 0 ? "" : "<h2>Slices</h2><p>The objective against each parameter, one point per complete trial (Optuna's <code>plot_slice</code>): " +
            "a clear trend shows where a parameter's good values lie, a flat cloud that it matters little here (a conditional parameter has points only " +
            "for the trials it existed in). Log ranges on a log10 axis; a categorical parameter by the number of its choice.</p>" + h;
    }

    /// <summary>Per family, its two most important parameters against each other, trials by thirds of the objective (<see cref="ParameterPair"/>).</summary>
    private static string Pairs(SearchOutcome outcome, SearchPlan plan)
    {
        var h = new StringBuilder();
        foreach (var family in plan.Families)
        {
            var space = plan.Spaces[family];
            var complete = outcome.Trials.Where(t => t.Family == family && t.Value is { } v && double.IsFinite(v))
                .Select(t => ((IReadOnlyDictionary<string, double>)space.Params.Where(p => !double.IsNaN(Value(p, t))).ToDictionary(p => p.Name, p => Value(p, t)), t.Value!.Value))
                .ToArray();
            if (ParameterPair.Of(family, space, outcome.Importance, complete, outcome.HigherIsBetter) is not { } pair) continue;
            h.Append("<figure>").Append(SvgCharts.ScatterChart(pair.Title(outcome.Metric), ParameterPair.Axis(pair.X), ParameterPair.Axis(pair.Y),
                pair.Thirds.Select(t => new Series(t.Label, t.Dots.Select(d => new Point(d.X, d.Y)).ToArray())).ToArray(), new ChartOptions { Width = 640, Height = 360 }))
             .Append("</figure>");
        }
        return h.Length == 0 ? "" : "<h2>Parameter pairs</h2><p>Each family's two most important parameters against each other, one dot per complete trial, " +
            "coloured by the third of the trials (by the objective) it falls in: where the good trials cluster, the pair's good region (Optuna's " +
            "<code>plot_contour</code> shows the same as an interpolated surface).</p>" + h;
    }

    private static double Value(ParamSpec p, TrialSummary t)
    {
        if (!t.Options.TryGetValue(p.Name, out var text)) return double.NaN;
        if (p.Distribution is CategoricalDistribution c) return c.Choices.ToList().IndexOf(text);
        return double.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>"; fixed by the spec: k=v, ..." for a family whose spec model sets options, else nothing.</summary>
    private static string Fixed(SearchPlan plan, string family) =>
        plan.FixedOptions.TryGetValue(family, out var o) && o.Count > 0
            ? WebUtility.HtmlEncode($"; fixed by the spec: {string.Join(", ", o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}") : "";

    private static string History(SearchOutcome outcome)
    {
        var series = new List<Series>();
        foreach (var family in outcome.Budgets.Select(b => b.Family))
        {
            var pts = outcome.Trials.Where(t => t.Family == family && t.Value is not null).Select(t => new Point(t.Number, t.Value!.Value)).ToArray();
            if (pts.Length > 0) series.Add(new Series(family, pts));
        }
        var best = new List<Point>();
        double? run = null;
        foreach (var t in outcome.Trials.Where(t => t.Value is not null))
        {
            var v = t.Value!.Value;
            if (run is null || (outcome.HigherIsBetter ? v > run : v < run)) run = v;
            best.Add(new Point(t.Number, run.Value));
        }
        var scatter = SvgCharts.ScatterChart("Trial values (complete trials)", "trial", outcome.Metric, series);
        var line = best.Count == 0 ? "" : SvgCharts.LineChart("Best value so far", "trial", outcome.Metric, [new Series("best", best)]);
        return scatter + line;
    }
}
