using System.Globalization;
using System.Text;
using Keel.Core.Deployments;
using Keel.Core.Tracking;
using Keel.Tracking;
using Keel.Web.Api;
using Microsoft.AspNetCore.Http;
using static Keel.Web.Ui.Html;

namespace Keel.Web.Ui;

/// <summary>/ui/compare?run=A&amp;run=B…: overlaid metric curves, the params side by side (differences marked), last metrics, and parallel coordinates.</summary>
internal sealed class CompareView(KeelStore store, RunsApi runs)
{
    private const int MaxRuns = 10;
    private const int MaxCurves = 12;
    private const int MaxAxes = 16;

    public async Task<IResult> RenderAsync(HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        var ids = ctx.Request.Query["run"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct().ToList();
        if (ids.Count is < 2 or > MaxRuns) throw ApiException.Bad("run", $"2 to {MaxRuns} runs to compare (tick them on the runs page)");
        var list = new List<Run>();
        foreach (var id in ids) list.Add(await runs.RunForAsync(ctx, id, TokenRole.Read));
        var summaries = (await store.Tracking.SummarizeMetricsAsync(list.Select(r => r.Id).ToList(), [], ct)).ToLookup(s => s.Key);
        var labels = list.ToDictionary(r => r.Id, r => $"{r.Name} ({r.Id[..6]})");
        var body = new StringBuilder();

        var head = new[] { "" }.Concat(list.Select(r => $"<a href=\"/ui/runs/{r.Id}\">{E(labels[r.Id])}</a>")).ToList();
        var paramKeys = list.SelectMany(r => r.Params.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        body.Append("<h2>Params</h2>").Append(paramKeys.Count == 0 ? Note("No params.") : Table(head, paramKeys.Select(k =>
        {
            var values = list.Select(r => r.Params.GetValueOrDefault(k)).ToList();
            var differs = values.Distinct().Count() > 1;
            return new[] { differs ? $"<span class=\"diff\">{E(k)}</span>" : E(k) }.Concat(values.Select(v => differs ? $"<span class=\"diff\">{E(v ?? "–")}</span>" : E(v ?? "–")));
        }), "param-diff"));

        var metricKeys = list.SelectMany(r => r.Metrics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        body.Append("<h2>Metrics (last)</h2>").Append(metricKeys.Count == 0 ? Note("No metrics.") : Table(head, metricKeys.Select(k =>
            new[] { E(k) }.Concat(list.Select(r => r.Metrics.TryGetValue(k, out var v) ? N(v) : "–"))), "metric-diff"));

        var curves = summaries.Where(g => g.Any(s => s.Count > 1)).Select(g => g.Key).Order(StringComparer.Ordinal).Take(MaxCurves).ToList();
        if (curves.Count > 0)
        {
            body.Append("<h2>Curves</h2><div class=\"charts\">");
            var i = 0;
            foreach (var key in curves)
            {
                var series = new List<ChartSeries>();
                foreach (var r in list.Where(r => r.Metrics.ContainsKey(key)))
                {
                    var points = await store.Tracking.GetMetricHistoryAsync(r.Id, key, ct);
                    series.Add(new ChartSeries(labels[r.Id], Downsample(points.Select(p => new[] { p.Step, p.Value }).ToList())));
                }
                body.Append(LineChart($"curve-{i++}", key, series, "step"));
            }
            body.Append("</div>");
        }

        var axes = Axes(list, paramKeys, metricKeys);
        if (axes.Count >= 2)
        {
            var lines = list.Select(r => new ChartSeries(labels[r.Id], axes.Select((a, i) =>
            {
                var v = a.Value(r);
                return v is { } x ? new[] { i, a.Max > a.Min ? (x - a.Min) / (a.Max - a.Min) : 0.5, x } : [i, double.NaN, double.NaN];
            }).ToList()));
            body.Append("<h2>Parallel coordinates</h2>").Append(ParallelChart("parallel", "numeric params and last metrics, each axis scaled to its range", axes.Select(a => a.Name).ToList(), lines));
        }
        return Page($"Compare {list.Count} runs", "Runs", body.ToString());
    }

    private sealed record Axis(string Name, Func<Run, double?> Value, double Min, double Max);

    /// <summary>Numeric params that differ between the runs, then the metrics every run has, up to <see cref="MaxAxes"/>.</summary>
    private static List<Axis> Axes(List<Run> list, List<string> paramKeys, List<string> metricKeys)
    {
        var axes = new List<Axis>();
        foreach (var k in paramKeys)
        {
            double? Value(Run r) => r.Params.TryGetValue(k, out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;
            var values = list.Select(Value).ToList();
            if (values.All(v => v is not null) && values.Distinct().Count() > 1) axes.Add(new Axis("params." + k, Value, values.Min()!.Value, values.Max()!.Value));
        }
        foreach (var k in metricKeys)
        {
            double? Value(Run r) => r.Metrics.TryGetValue(k, out var d) && double.IsFinite(d) ? d : null;
            var values = list.Select(Value).Where(v => v is not null).ToList();
            if (values.Count > 0) axes.Add(new Axis(k, Value, values.Min()!.Value, values.Max()!.Value));
        }
        return axes.Take(MaxAxes).ToList();
    }
}
