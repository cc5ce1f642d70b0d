using System.Globalization;
using System.Text;
using Keel.Core.Alerts;
using Keel.Core.Deployments;
using Keel.Core.PredictionLog;
using Keel.Pipeline.Predict;
using Keel.Tracking;
using Keel.Tracking.PredictionLog;
using Keel.Web.Api;
using Microsoft.AspNetCore.Http;
using static Keel.Web.Ui.Html;

namespace Keel.Web.Ui;

/// <summary>
/// /ui/deployments and /ui/deployments/{name}: traffic split, the rollout timeline (state history), and live latency per arm from the
/// store's prediction log (SQLite beside the store, or the PostgreSQL store's tables), with the alerts and rollbacks that count as its errors.
/// </summary>
internal sealed class DeploymentsView(KeelStore store, Access access)
{
    /// <summary>How far back the latency chart reads the prediction log.</summary>
    private static readonly TimeSpan LiveWindow = TimeSpan.FromHours(24);

    /// <summary>A model reference with the version it names, linked to the model's page.</summary>
    private static string Reference(string reference, int? version) =>
        E(reference) + (version is { } v && reference.Contains('@', StringComparison.Ordinal)
            ? $" → <a href=\"/ui/models/{U(Deployment.ModelOf(reference))}\">v{v.ToString(CultureInfo.InvariantCulture)}</a>" : "");

    public async Task<IResult> ListAsync(HttpContext ctx)
    {
        var token = access.Require(ctx, TokenRole.Read);
        var all = (await store.Deployments.ListAsync(ctx.RequestAborted)).Where(d => token is null || ModelsOf(d).All(token.CoversModel)).ToList();
        var body = all.Count == 0 ? Note("No deployments yet: `keel deployments create FILE` creates one (docs/deployments.md).") :
            Table(["Deployment", "Champion", "Challenger", "Strategy", "Phase", "Mode", "Challenger traffic", "Updated (UTC)"], all.Select(d => new[]
            {
                $"<a href=\"/ui/deployments/{U(d.Name)}\">{E(d.Name)}</a>", E(d.Champion), E(d.Challenger ?? "–"), E(d.Strategy), E(Lower(d.State.Phase)), E(Lower(d.State.Mode)),
                Share(d, d.State), T(d.UpdatedAt),
            }), "deployments");
        return Page("Deployments", "Deployments", body);
    }

    public async Task<IResult> RenderAsync(HttpContext ctx, string name)
    {
        var ct = ctx.RequestAborted;
        var d = await store.Deployments.GetAsync(name, ct) ?? throw new ApiException(404, "name", $"name: no deployment '{name}'");
        // The page shows both arms (latency, traffic), so a scoped token must cover the challenger's model too.
        foreach (var model in ModelsOf(d)) access.RequireModel(ctx, TokenRole.Read, model);
        var history = await store.Deployments.GetHistoryAsync(name, ct);
        var body = new StringBuilder();
        var champion = await ModelLoader.CurrentVersionAsync(store.Registry, d.Champion, ct);
        var challenger = d.Challenger is { } named ? await ModelLoader.CurrentVersionAsync(store.Registry, named, ct) : null;
        body.Append("<dl class=\"kv\">")
            .Append($"<dt>Champion</dt><dd>{Reference(d.Champion, champion)}</dd><dt>Challenger</dt><dd>{(d.Challenger is { } c ? Reference(c, challenger) : "–")}</dd>")
            .Append($"<dt>Strategy</dt><dd>{E(d.Strategy)}</dd><dt>Phase</dt><dd>{E(Lower(d.State.Phase))}</dd><dt>Mode</dt><dd>{E(Lower(d.State.Mode))}</dd>")
            .Append($"<dt>File version</dt><dd>{d.SpecVersion.ToString(CultureInfo.InvariantCulture)}</dd></dl>");
        if (d.State.Phase == RolloutPhase.Promoted && challenger is { } promoted && promoted != champion)
            body.Append(Note($"Promoted: the challenger, version {promoted}, answers everything. A promotion moves traffic, not aliases: {d.Champion} names "
                + $"{(champion is { } v ? $"version {v}" : "no version")} until `keel retrain` re-arms the deployment or `keel models alias` moves it."));
        if (d.State.Phase == RolloutPhase.RolledBack && d.Challenger is not null)
            body.Append(Note($"Rolled back: the champion answers everything. `keel deployments start {d.Name}` starts a new attempt from the strategy's first step."));
        var byRewards = d.SharesByRewards(d.State);
        if (byRewards)
            body.Append(Note("A running bandit routes each request by the rewards feedback has brought, so its share is no set figure: the requests each arm answered are counted from the prediction log below."));
        var now = store.Options.Time.GetUtcNow();
        var (logged, answered) = await LiveAsync(d, now, ct);
        body.Append("<div class=\"charts\">");
        if (!byRewards)
        {
            body.Append(BarChart("traffic-split", "Traffic split now (% of live requests)", ["champion", "challenger"], [100 - d.State.ChallengerPercent, d.State.ChallengerPercent], "% of traffic"));
            var timeline = history.Select(h => new[] { h.At.ToUnixTimeMilliseconds(), h.To.ChallengerPercent }).Append([now.ToUnixTimeMilliseconds(), d.State.ChallengerPercent]).ToList();
            body.Append(LineChart("rollout-timeline", "Rollout: challenger's share of traffic over time", [new ChartSeries("challenger %", timeline)], "time (UTC)", xTime: true, stepped: true, yRange: (0, 100)));
        }
        if (answered.Count > 0)
            body.Append(BarChart("requests-by-arm", "Requests answered per arm, last 24 h (prediction log)", [.. answered.Keys], [.. answered.Values.Select(n => (double)n)], "requests"));
        if (logged.Count > 0)
            body.Append(LineChart("latency", "Latency p95 per minute, last 24 h (ms)", logged, "time (UTC)", xTime: true,
                xRange: ((now - LiveWindow).ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds())));
        body.Append("</div>");
        if (logged.Count == 0) body.Append(Note($"No logged predictions in the last 24 hours in {PredictionLogStores.Describe(store)}."));

        body.Append("<h2>Rollout history</h2>").Append(Table(["When (UTC)", "Event", "Phase", "Challenger traffic", "Mode", "By", "Reason"], history.AsEnumerable().Reverse().Select(h => new[]
        {
            T(h.At), E(Lower(h.Kind)), E((h.From is { } f && f.Phase != h.To.Phase ? Lower(f.Phase) + " → " : "") + Lower(h.To.Phase)),
            (h.From is { } g && g.ChallengerPercent != h.To.ChallengerPercent ? Share(d, g) + " → " : "") + Share(d, h.To),
            E(Lower(h.To.Mode)), E(h.Actor), E(h.Reason ?? ""),
        }), "rollout-history"));
        var alerts = await store.Alerts.ListAsync(new AlertQuery { Scope = name, Limit = 50 }, ct);
        var rollbacks = history.Count(h => h.Kind == DeploymentEventKind.Rollback);
        body.Append($"<h2>Errors and alerts</h2><p>{rollbacks.ToString(CultureInfo.InvariantCulture)} rollback(s) in the history; the latest alerts:</p>")
            .Append(alerts.Count == 0 ? Note("No alerts for this deployment.") : Table(["When (UTC)", "Rule", "Value", "Window", "Delivered"],
                alerts.Select(a => new[] { T(a.At), E(a.Rule), N(a.Value), E(a.Window), E(a.Delivered) }), "alerts"));
        return Page($"Deployment {name}", "Deployments", body.ToString());
    }

    /// <summary>p95 latency per minute and arm, and the requests each arm answered (shadow copies apart), over the last
    /// <see cref="LiveWindow"/>, from every request of the deployment in the prediction log (none when no log was written).</summary>
    private async Task<(List<ChartSeries> Latency, SortedDictionary<string, long> Answered)> LiveAsync(Deployment d, DateTimeOffset now, CancellationToken ct)
    {
        var answered = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using var log = await PredictionLogStores.OpenIfExistsAsync(store, ct);
        if (log is null) return ([], answered);
        var byArm = new SortedDictionary<string, SortedDictionary<long, List<double>>>(StringComparer.Ordinal);
        // The requests this deployment served, whatever model answered them (and those logged before the log recorded deployments, by the
        // champion's model since the deployment was created).
        var query = PredictionQuery.Of(d) with { From = now - LiveWindow, Limit = int.MaxValue };
        await foreach (var r in log.ReadLatenciesAsync(query, ct))
        {
            if (!byArm.TryGetValue(r.Arm, out var minutes)) byArm[r.Arm] = minutes = [];
            if (r.Arm != PredictionRecord.ShadowArm) answered[r.Arm] = answered.GetValueOrDefault(r.Arm) + 1;
            var minute = r.Time.ToUnixTimeMilliseconds() / 60_000;
            if (!minutes.TryGetValue(minute, out var latencies)) minutes[minute] = latencies = [];
            latencies.Add(r.LatencyMs);
        }
        return (byArm.Select(arm => new ChartSeries(arm.Key, arm.Value.Select(m =>
        {
            m.Value.Sort();
            return new[] { m.Key * 60_000.0, m.Value[(int)Math.Ceiling(0.95 * m.Value.Count) - 1] };
        }).ToList())).ToList(), answered);
    }

    /// <summary>The registered models a deployment routes between: the champion's, and the challenger's when it names another.</summary>
    private static IEnumerable<string> ModelsOf(Deployment d) =>
        new[] { d.ChampionModel, d.Challenger is { } c ? Deployment.ModelOf(c) : null }.OfType<string>().Distinct(StringComparer.Ordinal);

    /// <summary>An enum value as the deployment files, the CLI and the API write it: snake_case ("RolledBack" → "rolled_back").</summary>
    private static string Lower<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static string Percent(double p) => p.ToString("0.#", CultureInfo.InvariantCulture) + " %";

    /// <summary>The challenger's share as stored, or "by rewards" where a running bandit routes by feedback instead.</summary>
    private static string Share(Deployment d, DeploymentState s) => d.SharesByRewards(s) ? "by rewards" : Percent(s.ChallengerPercent);
}
