using System.Text;
using Keel.Core.Deployments;
using Keel.Core.Tracking;
using Keel.Tracking;
using Keel.Web.Api;
using Microsoft.AspNetCore.Http;
using static Keel.Web.Ui.Html;

namespace Keel.Web.Ui;

/// <summary>/ui/runs/{id}: one run's params, tags, metrics (a step chart for every metric with more than one point, loss curves first, up to
/// <see cref="MaxCharts"/>), artifacts and its HTML report.</summary>
internal sealed class RunView(KeelStore store, RunsApi runs)
{
    /// <summary>The artifact path the pipeline stores a run's report under.</summary>
    public const string ReportPath = "report.html";

    /// <summary>Charts drawn per run page; further metrics are listed in the table only.</summary>
    private const int MaxCharts = 24;

    /// <summary>Whether <paramref name="key"/> is a per-iteration loss curve: a candidate's <c>CANDIDATE.loss.*</c> or a trial's <c>loss.*</c>.</summary>
    private static bool IsLossCurve(string key) =>
        key.StartsWith("loss.", StringComparison.Ordinal) || key.Contains(".loss.", StringComparison.Ordinal);

    public async Task<IResult> RenderAsync(HttpContext ctx, string id)
    {
        var ct = ctx.RequestAborted;
        var run = await runs.RunForAsync(ctx, id, TokenRole.Read);
        var experiment = (await store.Tracking.ListExperimentsAsync(ct)).FirstOrDefault(e => e.Id == run.ExperimentId)?.Name ?? "";
        var summaries = await store.Tracking.SummarizeMetricsAsync([run.Id], [], ct);
        var artifacts = await store.Tracking.ListArtifactsAsync(run.Id, ct);
        var body = new StringBuilder();
        body.Append("<dl class=\"kv\">")
            .Append($"<dt>Id</dt><dd><code>{run.Id}</code></dd>")
            .Append($"<dt>Experiment</dt><dd><a href=\"/ui/runs?experiment={U(experiment)}\">{E(experiment)}</a></dd>")
            .Append($"<dt>Status</dt><dd>{E(run.Status.ToString().ToLowerInvariant())}</dd>")
            .Append($"<dt>Started</dt><dd>{T(run.StartTime)}</dd><dt>Ended</dt><dd>{T(run.EndTime)}</dd>");
        // A search's trial links to its search run, and a run with trials to the list of them.
        if (run.Tags.TryGetValue(RunTags.Parent, out var parent) && parent.Length == 32 && parent.All(char.IsAsciiHexDigitLower))
            body.Append($"<dt>Parent run</dt><dd><a id=\"parent-link\" href=\"/ui/runs/{parent}\">{parent[..8]}</a></dd>");
        if ((await store.Tracking.CountChildRunsAsync([run.Id], ct)).TryGetValue(run.Id, out var children))
            body.Append($"<dt>Child runs</dt><dd><a id=\"children-link\" href=\"/ui/runs?experiment={U(experiment)}&amp;filter={U($"tags.{RunTags.Parent} = '{run.Id}'")}&amp;order_by={U("start_time asc")}\">{children}</a></dd>");
        body.Append("</dl>");
        if (artifacts.Any(a => a.Path == ReportPath))
            body.Append($"<p><a id=\"report-link\" href=\"/ui/runs/{run.Id}/report\">Open the run's report</a></p>");

        body.Append("<h2>Params</h2>").Append(run.Params.Count == 0 ? Note("No params.") :
            Table(["Name", "Value"], run.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new[] { E(p.Key), E(p.Value) }), "params"));
        body.Append("<h2>Metrics</h2>").Append(summaries.Count == 0 ? Note("No metrics.") :
            Table(["Name", "Last", "Min", "Max", "Points", "Last step"], summaries.Select(s => new[]
            {
                E(s.Key), N(s.Last), N(s.Min), N(s.Max), s.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                s.LastStep.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }), "metrics"));
        // Loss curves first (what a person opens a run's charts for), then the other step metrics in name order.
        var stepped = summaries.Where(s => s.Count > 1).OrderBy(s => IsLossCurve(s.Key) ? 0 : 1).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
        var curves = stepped.Take(MaxCharts).ToList();
        if (curves.Count > 0)
        {
            body.Append("<div class=\"charts\">");
            var i = 0;
            foreach (var s in curves)
            {
                var points = await store.Tracking.GetMetricHistoryAsync(run.Id, s.Key, ct);
                body.Append(LineChart($"metric-{i++}", s.Key, [new ChartSeries(s.Key, Downsample(points.Select(p => new[] { p.Step, p.Value }).ToList()))], "step"));
            }
            body.Append("</div>");
        }
        if (stepped.Count > curves.Count)
        {
            body.Append(Note($"{curves.Count} of {stepped.Count} metrics with steps are drawn (loss curves first); the table lists them all, " +
                $"and `keel runs show {run.Id} --metric KEY` prints every step of one."));
        }
        body.Append("<h2>Tags</h2>").Append(run.Tags.Count == 0 ? Note("No tags.") :
            Table(["Name", "Value"], run.Tags.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new[] { E(p.Key), E(p.Value) })));
        body.Append("<h2>Artifacts</h2>").Append(artifacts.Count == 0 ? Note("No artifacts.") :
            Table(["Path", "Bytes", "SHA-256"], artifacts.Select(a => new[]
            {
                $"<a href=\"/api/v1/runs/{run.Id}/artifacts/{string.Join('/', a.Path.Split('/').Select(U))}\">{E(a.Path)}</a>",
                a.Bytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), $"<code>{a.Sha256[..12]}…</code>",
            }), "artifacts"));
        return Page($"Run {run.Name}", "Runs", body.ToString(), refreshSeconds: run.Status == RunStatus.Running ? LiveRefreshSeconds : null);
    }

    /// <summary>The run's report.html as stored, sandboxed (no scripts from it reach the UI's origin).</summary>
    public async Task<IResult> ReportAsync(HttpContext ctx, string id)
    {
        var run = await runs.RunForAsync(ctx, id, TokenRole.Read);
        var entry = (await store.Tracking.ListArtifactsAsync(run.Id, ctx.RequestAborted)).FirstOrDefault(a => a.Path == ReportPath)
            ?? throw new ApiException(404, "report", $"report: run {run.Id} has no {ReportPath}");
        var stream = await store.Artifacts.OpenReadAsync(entry.Sha256, ctx.RequestAborted);
        ctx.Response.Headers.ContentSecurityPolicy = "sandbox allow-scripts; default-src 'self' 'unsafe-inline' data:";
        return Results.Stream(stream, "text/html; charset=utf-8");
    }
}
