using System.Globalization;
using System.Text;
using Keel.Core.Alerts;
using Keel.Core.Deployments;
using Keel.Core.Monitoring;
using Keel.Tracking;
using Keel.Web.Api;
using Microsoft.AspNetCore.Http;
using static Keel.Web.Ui.Html;

namespace Keel.Web.Ui;

/// <summary>/ui/monitoring?model=M: drift and performance over time from the monitoring store (one point per stored window), with the alerts that fired.</summary>
internal sealed class MonitoringView(KeelStore store, Access access)
{
    private const int MaxDriftSeries = 10;

    public async Task<IResult> RenderAsync(HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        var token = access.Require(ctx, TokenRole.Read);
        var models = (await store.Registry.ListModelsAsync(ct)).Where(m => token is null || token.CoversModel(m.Name)).Select(m => m.Name).ToList();
        var model = RunsPage.Text(ctx.Request.Query["model"]) ?? models.FirstOrDefault();
        var body = new StringBuilder("<p>Models: ");
        body.Append(string.Join(" · ", models.Select(m => m == model ? $"<b>{E(m)}</b>" : $"<a href=\"/ui/monitoring?model={U(m)}\">{E(m)}</a>"))).Append("</p>");
        if (model is null) return Page("Monitoring", "Monitoring", body + Note("No registered models yet."));
        access.RequireModel(ctx, TokenRole.Read, model);
        var windows = await store.Monitoring.ListAsync(model, null, 1000, ct);
        if (windows.Count == 0)
            return Page($"Monitoring {model}", "Monitoring", body + Note($"No monitoring results for {model} yet: `keel monitor --model {model}@champion --data FILE` stores them."));

        // x: the window's start when every window has one, else its position.
        var byTime = windows.All(w => w.From is not null);
        double X(MonitoringWindow w, int i) => byTime ? w.From!.Value.ToUnixTimeMilliseconds() : i;
        var names = windows.SelectMany(w => w.Figures.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        double Max(string figure) => windows.Max(w => w.Figures.TryGetValue(figure, out var v) && double.IsFinite(v) ? v : double.NegativeInfinity);
        ChartSeries Series(string figure) => new(figure, windows.Select((w, i) => new[] { X(w, i), w.Figures.TryGetValue(figure, out var v) ? v : double.NaN }).ToList());

        // One statistic at a time: KS, PSI and a Wasserstein distance in the column's own units share no scale, so
        // "largest first" across them would rank units, not drift.
        var statistics = names.Select(StatisticOf).OfType<string>().Distinct().OrderBy(StatisticRank).ThenBy(s => s, StringComparer.Ordinal).ToList();
        var asked = RunsPage.Text(ctx.Request.Query["stat"]);
        if (asked is not null && !statistics.Contains(asked))
            return Page($"Monitoring {model}", "Monitoring", body + Note($"stat '{asked}': the stored windows of {model} hold no such statistic; expected one of {string.Join(", ", statistics)}."), 400);
        var stat = asked ?? statistics.FirstOrDefault();
        var drift = stat is null ? [] : names.Where(n => StatisticOf(n) == stat).OrderByDescending(Max).ThenBy(n => n, StringComparer.Ordinal).Take(MaxDriftSeries).ToList();
        var counts = names.Where(n => Counts.Contains(n)).ToList();
        var latency = names.Where(n => n.EndsWith("_ms", StringComparison.Ordinal)).ToList();
        var performance = names.Where(n => StatisticOf(n) is null && n != "drift_share" && !IsVerdict(n) && !Counts.Contains(n) && n != "error_rate" && !latency.Contains(n))
            .OrderBy(n => Array.IndexOf(Headline, n) is var k && k >= 0 ? k : Headline.Length).ThenBy(n => n, StringComparer.Ordinal).ToList();
        var xLabel = byTime ? "window start (UTC)" : "window";

        if (statistics.Count > 1)
            body.Append("<p>Statistic: ").Append(string.Join(" · ", statistics.Select(s => s == stat ? $"<b>{E(s)}</b>"
                : $"<a href=\"/ui/monitoring?model={U(model)}&amp;stat={U(s)}\">{E(s)}</a>"))).Append("</p>");
        body.Append("<div class=\"charts\">");
        if (names.Contains("drift_share")) body.Append(LineChart("drift-share", "Share of columns drifted", [Series("drift_share")], xLabel, byTime));
        if (drift.Count > 0)
            body.Append(LineChart("drift", $"{stat} by column ({(drift.Count < names.Count(n => StatisticOf(n) == stat) ? $"the {drift.Count} largest" : "largest first")})", drift.Select(Series), xLabel, byTime));
        // A regression model's errors are in the label's units (a price's rmse of 20,000), its r2 and mape are fractions: one axis would
        // flatten the fractions to a line at 0, so each scale gets its chart.
        var inLabelUnits = performance.Where(LabelUnits.Contains).ToList();
        var scaleFree = performance.Except(inLabelUnits).ToList();
        if (scaleFree.Count > 0) body.Append(LineChart("performance", "Performance by window", scaleFree.Select(Series), xLabel, byTime));
        if (inLabelUnits.Count > 0) body.Append(LineChart("performance-units", "Errors by window (in the label's units)", inLabelUnits.Select(Series), xLabel, byTime));
        if (latency.Count > 0) body.Append(LineChart("latency", "Latency by window (ms)", latency.Select(Series), xLabel, byTime));
        if (counts.Count > 0) body.Append(LineChart("traffic", "Rows and requests by window", counts.Select(Series), xLabel, byTime, yWhole: true));
        if (names.Contains("error_rate") && Max("error_rate") > 0) body.Append(LineChart("errors", "Share of requests that failed", [Series("error_rate")], xLabel, byTime));
        body.Append("</div>");
        var shown = names.Where(n => n is "drift_share" or "concept_drift" or "rows" or "requests" or "error_rate").Concat(drift.Take(4)).Concat(performance.Take(6)).ToList();
        body.Append("<h2>Windows</h2>").Append(Table(new[] { "Window", "Version", "Source", "Stored (UTC)" }.Concat(shown.Select(E)),
            windows.AsEnumerable().Reverse().Select(w => new[] { E(w.Window), "v" + w.Version.ToString(CultureInfo.InvariantCulture), E(w.Source), T(w.CreatedAt) }
                .Concat(shown.Select(f => w.Figures.TryGetValue(f, out var v) ? N(v) : "–"))), "windows"));
        var alerts = await store.Alerts.ListAsync(new AlertQuery { Model = model, Limit = 50 }, ct);
        body.Append("<h2>Alerts</h2>").Append(alerts.Count == 0 ? Note("No alerts.") :
            Table(["When (UTC)", "On", "Rule", "Value", "Window"], alerts.Select(a => new[] { T(a.At), E(a.Scope), E(a.Rule), N(a.Value), E(a.Window) }), "alerts"));
        return Page($"Monitoring {model}", "Monitoring", body.ToString());
    }

    /// <summary>Regression errors measured in the label's units, drawn apart from the scale-free metrics.</summary>
    private static readonly HashSet<string> LabelUnits = new(StringComparer.Ordinal) { "rmse", "mae" };

    /// <summary>Figures that count rather than measure: drawn on their own chart.</summary>
    private static readonly HashSet<string> Counts = new(StringComparer.Ordinal) { "rows", "requests", "labelled_rows" };

    /// <summary>The metrics listed first in the performance chart and the table, when present.</summary>
    private static readonly string[] Headline = ["auc", "estimated_auc", "accuracy", "estimated_accuracy", "macro_f1", "rmse", "mae", "r2"];

    /// <summary>Per-column statistics in the order offered: scale-free ones first, PSI the default.</summary>
    private static readonly string[] Preferred = ["psi", "js", "wasserstein_norm", "ks", "missing_rate", "unseen_rate", "out_of_range_rate"];

    /// <summary>The statistic of a per-column figure such as psi(amount) or ks_p(age), or null for any other figure.
    /// drifted(col) is a verdict (0 or 1), not a statistic; drift_share counts those verdicts.</summary>
    private static string? StatisticOf(string figure)
    {
        var open = figure.IndexOf('(', StringComparison.Ordinal);
        if (open <= 0 || !figure.EndsWith(')')) return null;
        var stat = figure[..open];
        return stat == "drifted" ? null : stat;
    }

    private static int StatisticRank(string stat) => Array.IndexOf(Preferred, stat) is var k && k >= 0 ? k : Preferred.Length;

    /// <summary>0/1 verdicts (a column drifted, the realised metric left its band): shown in the table, not drawn as performance.</summary>
    private static bool IsVerdict(string figure) => figure == "concept_drift" || figure.StartsWith("drifted(", StringComparison.Ordinal);
}
