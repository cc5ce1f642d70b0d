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
        ChartSeries Series(string figure) => new(figure, windows.Select((w, i) => new[] { X(w, i), w.Figures.TryGetValue(figure, out var v) ? v : double.NaN }).ToList());
        var drift = names.Where(IsDrift).OrderByDescending(n => windows.Max(w => w.Figures.TryGetValue(n, out var v) && double.IsFinite(v) ? v : 0)).Take(MaxDriftSeries).ToList();
        var performance = names.Where(n => !IsDrift(n) && !n.EndsWith("_ms", StringComparison.Ordinal) && !n.Contains("rows", StringComparison.Ordinal)).ToList();
        var latency = names.Where(n => n.EndsWith("_ms", StringComparison.Ordinal)).ToList();
        var xLabel = byTime ? "window start (UTC)" : "window";
        body.Append("<div class=\"charts\">");
        if (drift.Count > 0) body.Append(LineChart("drift", "Drift by window (largest first)", drift.Select(Series), xLabel, byTime));
        if (performance.Count > 0) body.Append(LineChart("performance", "Performance by window", performance.Select(Series), xLabel, byTime));
        if (latency.Count > 0) body.Append(LineChart("latency", "Latency by window (ms)", latency.Select(Series), xLabel, byTime));
        body.Append("</div>");
        var shown = drift.Take(4).Concat(performance.Take(6)).ToList();
        body.Append("<h2>Windows</h2>").Append(Table(new[] { "Window", "Version", "Source", "Stored (UTC)" }.Concat(shown.Select(E)),
            windows.AsEnumerable().Reverse().Select(w => new[] { E(w.Window), "v" + w.Version.ToString(CultureInfo.InvariantCulture), E(w.Source), T(w.CreatedAt) }
                .Concat(shown.Select(f => w.Figures.TryGetValue(f, out var v) ? N(v) : "–"))), "windows"));
        var alerts = (await store.Alerts.ListAsync(new AlertQuery { Limit = 200 }, ct))
            .Where(a => a.Scope == model || a.Scope.StartsWith(model + "@", StringComparison.Ordinal) || a.Scope.StartsWith(model + ":", StringComparison.Ordinal)).Take(50).ToList();
        body.Append("<h2>Alerts</h2>").Append(alerts.Count == 0 ? Note("No alerts.") :
            Table(["When (UTC)", "On", "Rule", "Value", "Window"], alerts.Select(a => new[] { T(a.At), E(a.Scope), E(a.Rule), N(a.Value), E(a.Window) }), "alerts"));
        return Page($"Monitoring {model}", "Monitoring", body.ToString());
    }

    /// <summary>Drift figures: per-column statistics such as psi(col) and ks(col), and the share of drifted columns.</summary>
    private static bool IsDrift(string figure) =>
        figure.Contains('(', StringComparison.Ordinal) || figure.StartsWith("drift", StringComparison.Ordinal) || figure.Contains("drift", StringComparison.Ordinal);
}
