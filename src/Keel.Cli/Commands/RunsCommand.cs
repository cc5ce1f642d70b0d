using System.CommandLine;
using Keel.Cli.Output;
using Keel.Core;
using Keel.Core.Tracking;
using Keel.Tracking;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel runs list | show | compare | delete`.</summary>
internal static class RunsCommand
{
    public static Command Build(CommandOptions o)
    {
        var runs = new Command("runs", "List, show, compare and delete tracked runs");
        runs.Subcommands.Add(List(o));
        runs.Subcommands.Add(Show(o));
        runs.Subcommands.Add(Compare(o));
        runs.Subcommands.Add(RunsDelete.Build(o));
        return runs;
    }

    private static Command List(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var experiment = new Option<string?>("--experiment") { Description = "Only runs of this experiment" };
        var filter = new Option<string?>("--filter") { Description = "e.g. \"metrics.test.auc > 0.8 and status = 'finished'\"" };
        var orderBy = new Option<string?>("--order-by") { Description = "start_time (default, newest first), name or metrics.NAME, then asc|desc" };
        var max = new Option<int>("--max-results") { Description = "Page size (1..1000)", DefaultValueFactory = _ => 50 };
        var page = new Option<string?>("--page-token") { Description = "Token printed by the previous page" };
        var children = new Option<bool>("--children") { Description = "List child runs (a search's trials) too; without --filter they are left out and counted" };
        var command = new Command("list", "List runs, newest first") { json, experiment, filter, orderBy, max, page, children };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var ids = new List<string>();
            if (result.GetValue(experiment) is { } name)
            {
                var e = await store.Tracking.FindExperimentAsync(name, ct) ?? throw new KeelNotFoundException($"No experiment called '{name}'.");
                ids.Add(e.Id);
            }
            // As the web UI lists them: without a filter, a search's trials stay out of the list and each parent counts its own.
            var topLevel = result.GetValue(filter) is null && !result.GetValue(children);
            var pageResult = await store.Tracking.SearchRunsAsync(new RunQuery
            {
                ExperimentIds = ids,
                Filter = result.GetValue(filter),
                OrderBy = result.GetValue(orderBy),
                MaxResults = result.GetValue(max),
                PageToken = result.GetValue(page),
                TopLevel = topLevel,
            }, ct);
            var experiments = (await store.Tracking.ListExperimentsAsync(ct)).ToDictionary(e => e.Id, e => e.Name);
            var childRuns = await store.Tracking.CountChildRunsAsync(pageResult.Runs.Select(r => r.Id).ToList(), ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new
                {
                    runs = pageResult.Runs.Select(r =>
                    {
                        var run = System.Text.Json.JsonSerializer.SerializeToNode(RunJson(r, experiments), Json.Options)!.AsObject();
                        run["child_runs"] = childRuns.GetValueOrDefault(r.Id);
                        return run;
                    }),
                    next_page_token = pageResult.NextPageToken,
                });
                return KeelApp.ExitOk;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in new[] { "run", "experiment", "status", "started", "duration", "selected", "test metric", "artifacts" }) table.AddColumn(h);
            var now = o.Context.Time.GetUtcNow();
            foreach (var r in pageResult.Runs)
            {
                var metric = r.Params.GetValueOrDefault("metric");
                var value = metric is null ? null : r.Metrics.TryGetValue($"test.{metric}", out var v) ? $"{metric} {Format.Metric(v)}" : null;
                table.AddRow(Markup.Escape(Format.ShortId(r.Id)), Markup.Escape(experiments.GetValueOrDefault(r.ExperimentId, r.ExperimentId)),
                    Status(r, store.Options.RunLease, now), Format.Time(r.StartTime), r.EndTime is { } end ? Format.Number((end - r.StartTime).TotalSeconds, "0.0") + " s" : "—",
                    Markup.Escape(r.Tags.GetValueOrDefault("keel.selected", "—")), Markup.Escape(value ?? "—"), Format.Bytes(r.ArtifactBytes));
            }
            o.Context.Console.Write(table);
            o.Context.Console.MarkupLineInterpolated($"{pageResult.Runs.Count} run(s) on this page, artifacts {Format.Bytes(pageResult.Runs.Sum(r => r.ArtifactBytes))} (content shared between runs is stored once)");
            if (topLevel && childRuns.Count > 0)
                o.Context.Console.MarkupLineInterpolated($"{childRuns.Values.Sum()} child run(s) of {childRuns.Count} of these (a search's trials) not listed: --children lists them, --filter \"tags.keel.parent_run_id = 'RUN_ID'\" those of one run");
            if (pageResult.NextPageToken is { } token) o.Context.Console.MarkupLineInterpolated($"More: --page-token {token}");
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command Show(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var id = new Argument<string>("run") { Description = "Run id (or a unique prefix of at least 6 characters)" };
        var metric = new Option<string?>("--metric") { Description = "Show every step of one metric (e.g. lightgbm.loss.validation) instead" };
        var command = new Command("show", "Show one run: params, metrics, tags and artifacts") { id, json, metric };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var run = await Get(store, result.GetValue(id)!, ct);
            if (result.GetValue(metric) is { } key)
                return await ShowHistoryAsync(o, store, run, key, result.GetValue(json), ct);
            var artifacts = await store.Tracking.ListArtifactsAsync(run.Id, ct);
            var experiments = (await store.Tracking.ListExperimentsAsync(ct)).ToDictionary(e => e.Id, e => e.Name);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { run = RunJson(run, experiments), artifacts });
                return KeelApp.ExitOk;
            }
            var c = o.Context.Console;
            c.MarkupLineInterpolated($"[bold]Run {run.Id}[/] ({run.Name}) in {experiments.GetValueOrDefault(run.ExperimentId, run.ExperimentId)}");
            c.MarkupLine($"status {Status(run, store.Options.RunLease, o.Context.Time.GetUtcNow())}, started {Format.Time(run.StartTime)}, ended {Format.Time(run.EndTime)}, last heartbeat {Format.Time(run.HeartbeatAt)}");
            c.MarkupLine($"artifacts: {artifacts.Count} file(s), {Format.Bytes(run.ArtifactBytes)}");
            c.Write(KeyValues("params", run.Params.Select(p => (p.Key, p.Value))));
            c.Write(KeyValues("metrics (latest)", run.Metrics.Select(m => (m.Key, Format.Number(m.Value, "0.######")))));
            c.Write(KeyValues("tags", run.Tags.Select(t => (t.Key, t.Value))));
            c.Write(KeyValues("artifacts", artifacts.Select(a => (a.Path, $"{Format.Bytes(a.Bytes)}  {a.Sha256[..12]}"))));
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static async Task<int> ShowHistoryAsync(CommandOptions o, KeelStore store, Run run, string key, bool json, CancellationToken ct)
    {
        var history = await store.Tracking.GetMetricHistoryAsync(run.Id, key, ct);
        if (history.Count == 0)
            throw new KeelNotFoundException($"Run {run.Id} has no metric '{key}'; it has: {string.Join(", ", run.Metrics.Keys.Order(StringComparer.Ordinal))}.");
        if (json)
        {
            Json.Write(o.Context.Out, new { run = run.Id, metric = key, points = history.Select(p => new { step = p.Step, value = p.Value, timestamp = p.Timestamp }) });
            return KeelApp.ExitOk;
        }
        var table = new Table().Border(TableBorder.Simple).Title(key);
        table.AddColumn(new TableColumn("step").RightAligned());
        table.AddColumn(new TableColumn("value").RightAligned());
        foreach (var p in history) table.AddRow(p.Step.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Number(p.Value, "0.######"));
        o.Context.Console.Write(table);
        return KeelApp.ExitOk;
    }

    private static Command Compare(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var ids = new Argument<string[]>("runs") { Description = "Two or more run ids (or unique prefixes)", Arity = new ArgumentArity(2, 10) };
        var all = new Option<bool>("--all") { Description = "Show equal params and metrics too, not only differences" };
        var command = new Command("compare", "Compare runs side by side: params and metrics that differ") { ids, json, all };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var runs = new List<Run>();
            foreach (var id in result.GetValue(ids)!) runs.Add(await Get(store, id, ct));
            var showAll = result.GetValue(all);
            var paramRows = Rows(runs, r => r.Params.ToDictionary(p => p.Key, p => p.Value), showAll);
            var metricRows = Rows(runs, r => r.Metrics.ToDictionary(m => m.Key, m => Format.Number(m.Value, "0.######")), showAll);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new
                {
                    runs = runs.Select(r => r.Id),
                    @params = runs.Select(r => r.Params),
                    metrics = runs.Select(r => r.Metrics),
                    differing_params = paramRows.Select(r => r.Key),
                    differing_metrics = metricRows.Select(r => r.Key),
                });
                return KeelApp.ExitOk;
            }
            foreach (var (title, rows) in new[] { ("params", paramRows), ("metrics", metricRows) })
            {
                if (rows.Count == 0)
                {
                    o.Context.Console.MarkupLineInterpolated($"{title}: {(showAll ? "none" : "all the same")}");
                    continue;
                }
                var table = new Table().Border(TableBorder.Rounded).Title(title + (showAll ? "" : " that differ"));
                table.AddColumn("key");
                foreach (var r in runs) table.AddColumn(Format.ShortId(r.Id));
                foreach (var (key, values) in rows) table.AddRow([Markup.Escape(key), .. values.Select(v => Markup.Escape(v ?? "—"))]);
                o.Context.Console.Write(table);
            }
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static List<(string Key, string?[] Values)> Rows(List<Run> runs, Func<Run, Dictionary<string, string>> pick, bool all)
    {
        var maps = runs.Select(pick).ToArray();
        return maps.SelectMany(m => m.Keys).Distinct().Order(StringComparer.Ordinal)
            .Select(k => (k, maps.Select(m => m.GetValueOrDefault(k)).ToArray()))
            .Where(r => all || r.Item2.Distinct().Count() > 1)
            .ToList();
    }

    internal static async Task<Run> Get(KeelStore store, string id, CancellationToken ct) =>
        await store.Tracking.GetRunAsync(id, ct) ?? throw new KeelNotFoundException($"No run with id '{id}'.");

    private static object RunJson(Run r, IReadOnlyDictionary<string, string> experiments) => new
    {
        id = r.Id,
        experiment = experiments.GetValueOrDefault(r.ExperimentId, r.ExperimentId),
        experiment_id = r.ExperimentId,
        name = r.Name,
        status = r.Status,
        start_time = r.StartTime,
        end_time = r.EndTime,
        @params = r.Params,
        metrics = r.Metrics,
        tags = r.Tags,
        heartbeat_at = r.HeartbeatAt,
        artifact_bytes = r.ArtifactBytes,
    };

    /// <summary>The status as markup; a running run whose heartbeat lease expired is shown as such (reading commands never mark it killed).</summary>
    private static string Status(Run r, TimeSpan lease, DateTimeOffset now) =>
        RunRecovery.IsStale(r, lease, now) ? "[yellow]running? (no heartbeat within the lease; marked killed by the next writing command)[/]" : Status(r.Status);

    private static string Status(RunStatus s) => s switch
    {
        RunStatus.Finished => "[green]finished[/]",
        RunStatus.Running => "[blue]running[/]",
        RunStatus.Failed => "[red]failed[/]",
        _ => "[yellow]killed[/]",
    };

    internal static Table KeyValues(string title, IEnumerable<(string Key, string Value)> rows)
    {
        var table = new Table().Border(TableBorder.Simple).Title(title);
        table.AddColumn("key");
        table.AddColumn("value");
        foreach (var (k, v) in rows.OrderBy(r => r.Key, StringComparer.Ordinal)) table.AddRow(Markup.Escape(k), Markup.Escape(v));
        return table;
    }
}
