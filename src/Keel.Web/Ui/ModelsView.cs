using System.Globalization;
using System.Text;
using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Tracking;
using Keel.Web.Api;
using Microsoft.AspNetCore.Http;
using static Keel.Web.Ui.Html;

namespace Keel.Web.Ui;

/// <summary>/ui/models and /ui/models/{name}: registered models, their versions, current aliases and every alias move (a timeline of which version held which alias when).</summary>
internal sealed class ModelsView(KeelStore store, Access access)
{
    public async Task<IResult> ListAsync(HttpContext ctx)
    {
        var token = access.Require(ctx, TokenRole.Read);
        var models = (await store.Registry.ListModelsAsync(ctx.RequestAborted)).Where(m => token is null || token.CoversModel(m.Name)).ToList();
        var body = models.Count == 0 ? Note("No registered models yet: a spec with a registry section registers one on `keel run`.") :
            Table(["Model", "Latest version", "Aliases", "Created"], models.Select(m => new[]
            {
                $"<a href=\"/ui/models/{U(m.Name)}\">{E(m.Name)}</a>", m.LatestVersion.ToString(CultureInfo.InvariantCulture), Aliases(m), T(m.CreatedAt),
            }), "models");
        return Page("Models", "Models", body);
    }

    public async Task<IResult> RenderAsync(HttpContext ctx, string name)
    {
        var ct = ctx.RequestAborted;
        access.RequireModel(ctx, TokenRole.Read, name);
        var model = await store.Registry.GetModelAsync(name, ct) ?? throw new ApiException(404, "name", $"name: no registered model '{name}'");
        var versions = await store.Registry.ListVersionsAsync(name, ct);
        var history = await store.Registry.GetAliasHistoryAsync(name, ct);
        var body = new StringBuilder();
        body.Append($"<p>Aliases now: <span id=\"aliases\">{Aliases(model)}</span></p>");
        if (history.Count > 0)
        {
            // One stepped series per alias: the version it pointed at from each move on (a gap once removed), up to now.
            var now = store.Options.Time.GetUtcNow().ToUnixTimeMilliseconds();
            var series = history.GroupBy(h => h.Alias).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
            {
                var points = g.Select(h => new[] { h.At.ToUnixTimeMilliseconds(), h.ToVersion is { } v ? v : double.NaN }).ToList();
                if (g.Last().ToVersion is { } last) points.Add([now, last]);
                return new ChartSeries(g.Key, points);
            });
            body.Append("<div class=\"charts\">").Append(LineChart("alias-timeline", "Version held by each alias over time", series, "time (UTC)", xTime: true, stepped: true,
                yRange: (0, versions.Count == 0 ? 1 : versions.Max(v => v.Version) + 1), yWhole: true)).Append("</div>");
        }
        body.Append("<h2>Alias history</h2>").Append(history.Count == 0 ? Note("No alias has been set.") :
            Table(["When (UTC)", "Alias", "From", "To", "By", "Reason"], history.AsEnumerable().Reverse().Select(h => new[]
            {
                T(h.At), E(h.Alias), Version(h.FromVersion), Version(h.ToVersion), E(h.Actor), E(h.Reason ?? ""),
            }), "alias-history"));
        var metricKeys = versions.SelectMany(v => v.Metrics.Keys).Distinct().Order(StringComparer.Ordinal).Take(8).ToList();
        body.Append("<h2>Versions</h2>").Append(Table(
            new[] { "Version", "Created (UTC)", "Candidate", "Task", "Source run", "Data" }.Concat(metricKeys.Select(E)),
            versions.Select(v => new[]
            {
                $"v{v.Version.ToString(CultureInfo.InvariantCulture)}", T(v.CreatedAt), E(v.Candidate), E(v.Task),
                $"<a href=\"/ui/runs/{U(v.SourceRunId)}\">{E(v.SourceRunId[..Math.Min(8, v.SourceRunId.Length)])}</a>", $"<code>{E(v.DataSha256[..Math.Min(12, v.DataSha256.Length)])}</code>",
            }.Concat(metricKeys.Select(k => v.Metrics.TryGetValue(k, out var x) ? N(x) : "–"))), "versions"));
        return Page($"Model {name}", "Models", body.ToString());
    }

    private static string Aliases(RegisteredModel m) => m.Aliases.Count == 0 ? "–" :
        string.Join(", ", m.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{E(a.Key)} → v{a.Value.ToString(CultureInfo.InvariantCulture)}"));

    private static string Version(int? v) => v is { } x ? "v" + x.ToString(CultureInfo.InvariantCulture) : "–";
}
