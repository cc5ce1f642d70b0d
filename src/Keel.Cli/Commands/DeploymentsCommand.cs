using System.CommandLine;
using System.Globalization;
using Keel.Cli.Output;
using Keel.Core;
using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Pipeline.Predict;
using Keel.Serving.Rollouts;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel deployments create | list | show | start | promote | rollback | mode`: deployments and their recorded state changes.</summary>
internal static class DeploymentsCommand
{
    public static Command Build(CommandOptions o)
    {
        var deployments = new Command("deployments", "Deployments: endpoints with a champion, a challenger and a rollout strategy");
        deployments.Subcommands.Add(Create(o));
        deployments.Subcommands.Add(List(o));
        deployments.Subcommands.Add(Show(o));
        deployments.Subcommands.Add(Start(o));
        deployments.Subcommands.Add(Promote(o));
        deployments.Subcommands.Add(Rollback(o));
        deployments.Subcommands.Add(Mode(o));
        deployments.Subcommands.Add(Export(o));
        return deployments;
    }

    private static Command Create(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var file = new Argument<string>("file") { Description = "The deployment file (keel.deploy.yaml)" };
        var command = new Command("create", "Create a deployment from its file, or store a changed file as its next version") { file, json };
        command.SetAction(async (result, ct) =>
        {
            var path = o.Context.Resolve(result.GetValue(file)!);
            var (spec, text) = DeploymentFileReader.ReadFile(path);
            await using var store = await o.OpenForWritingAsync(result, ct);
            await RequireModelAsync(store.Registry, spec.Champion, spec.Source, "champion", ct);
            if (spec.Challenger is { } challenger) await RequireModelAsync(store.Registry, challenger, spec.Source, "challenger", ct);
            var e = await store.Deployments.ApplyAsync(RoutingPolicies.ToDeployment(spec, text), Actor(o), ct);
            var d = (await store.Deployments.GetAsync(spec.Endpoint, ct))!;
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { deployment = Summary(d), @event = e });
                return KeelApp.ExitOk;
            }
            var again = d.State.Phase == RolloutPhase.RolledBack && d.Challenger is not null
                ? $"; restart the server with it (a running one keeps its own file), then `keel deployments start {d.Name}` begins a new attempt" : "";
            o.Context.Console.MarkupLineInterpolated(e switch
            {
                null => $"{d.Name}: unchanged (file version {d.SpecVersion})",
                { Kind: DeploymentEventKind.Create } => $"{d.Name}: created ({d.Strategy}, {d.Champion} vs {d.Challenger ?? "no challenger"}, mode {Text(d.State.Mode)})",
                _ => $"{d.Name}: file version {d.SpecVersion} stored; state kept ({Text(d.State.Phase)}){again}",
            });
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command List(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var command = new Command("list", "List deployments with their state") { json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var deployments = await store.Deployments.ListAsync(ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { deployments = deployments.Select(Summary) });
                return KeelApp.ExitOk;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in new[] { "deployment", "strategy", "champion", "challenger", "phase", "challenger share", "mode", "file version", "updated" }) table.AddColumn(h);
            foreach (var d in deployments)
                table.AddRow(Markup.Escape(d.Name), d.Strategy, Markup.Escape(d.Champion), Markup.Escape(d.Challenger ?? "—"), Text(d.State.Phase),
                    Share(d, d.State), Text(d.State.Mode), d.SpecVersion.ToString(CultureInfo.InvariantCulture), Format.Time(d.UpdatedAt));
            o.Context.Console.Write(table);
            return KeelApp.ExitOk;
        });
        return command;
    }

    /// <summary>The challenger's share as stored, or "by rewards" where a running bandit routes by feedback instead.</summary>
    private static string Share(Deployment d, DeploymentState s) => d.SharesByRewards(s) ? "by rewards" : Format.Number(s.ChallengerPercent) + "%";

    private static Command Show(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var name = new Argument<string>("name") { Description = "Deployment name" };
        var command = new Command("show", "Show a deployment, its file and every state change") { name, json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var d = await RequireAsync(store.Deployments, result.GetValue(name)!, ct);
            var history = await store.Deployments.GetHistoryAsync(d.Name, ct);
            var championVersion = await ModelLoader.CurrentVersionAsync(store.Registry, d.Champion, ct);
            var challengerVersion = d.Challenger is { } named ? await ModelLoader.CurrentVersionAsync(store.Registry, named, ct) : null;
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { deployment = Summary(d), champion_version = championVersion, challenger_version = challengerVersion, spec = d.SpecText, history });
                return KeelApp.ExitOk;
            }
            var c = o.Context.Console;
            static string Named(string reference, int? version) => reference + (version is { } v && !reference.Contains(':', StringComparison.Ordinal) ? $" (v{v})" : "");
            c.MarkupLineInterpolated($"[bold]{d.Name}[/]: {d.Strategy}, {Named(d.Champion, championVersion)} vs {(d.Challenger is { } ch ? Named(ch, challengerVersion) : "no challenger")}; {Text(d.State.Phase)}, challenger share {Share(d, d.State)}, mode {Text(d.State.Mode)}, file version {d.SpecVersion}");
            c.Write(new Panel(Markup.Escape(d.SpecText.TrimEnd())).Header($"file version {d.SpecVersion}"));
            var h = new Table().Border(TableBorder.Simple).Title("history");
            foreach (var col in new[] { "when", "event", "phase", "challenger share", "mode", "by", "reason" }) h.AddColumn(col);
            foreach (var e in history)
                h.AddRow(Format.Time(e.At), Text(e.Kind), Text(e.To.Phase), Share(d, e.To), Text(e.To.Mode), Markup.Escape(e.Actor), Markup.Escape(e.Reason ?? ""));
            c.Write(h);
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command Start(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var name = new Argument<string>("name") { Description = "Deployment name" };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the history" };
        var command = new Command("start", "Start the rollout again after a rollback (a new attempt from the strategy's first step); recorded")
            { name, reason, json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForWritingAsync(result, ct);
            var d = await RequireAsync(store.Deployments, result.GetValue(name)!, ct);
            var file = DeploymentFileReader.Parse(d.SpecText, $"deployment '{d.Name}' file version {d.SpecVersion}");
            if (file.Challenger is not { } challenger) throw new KeelInputException($"deployment '{d.Name}' has no challenger to roll out");
            await RequireModelAsync(store.Registry, challenger, $"deployment '{d.Name}' file version {d.SpecVersion}", "challenger", ct);
            // The policy decides where a new attempt starts (a canary's first step, an A/B split, ...) and refuses one that is running.
            var start = RoutingPolicies.Create(file, d.State, TimeProvider.System).Start(Actor(o));
            var e = await store.Deployments.ChangeStateAsync(d.Name, start.Kind, start.To, start.Actor, result.GetValue(reason) ?? start.Reason, ct);
            return Print(o, e, result.GetValue(json));
        });
        return command;
    }

    private static Command Promote(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var name = new Argument<string>("name") { Description = "Deployment name" };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the history" };
        var command = new Command("promote", "Move all traffic to the challenger; recorded with time and actor") { name, reason, json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForWritingAsync(result, ct);
            var d = await RequireAsync(store.Deployments, result.GetValue(name)!, ct);
            if (d.Challenger is null) throw new KeelInputException($"deployment '{d.Name}' has no challenger to promote");
            if (d.State.Phase == RolloutPhase.Promoted) throw new KeelInputException($"deployment '{d.Name}' is already promoted");
            var e = await store.Deployments.ChangeStateAsync(d.Name, DeploymentEventKind.Promote,
                d.State with { Phase = RolloutPhase.Promoted, ChallengerPercent = 100 }, Actor(o), result.GetValue(reason), ct);
            return Print(o, e, result.GetValue(json));
        });
        return command;
    }

    private static Command Rollback(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var name = new Argument<string>("name") { Description = "Deployment name" };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the history (default: \"manual rollback\")" };
        var command = new Command("rollback", "Move all traffic back to the champion at once; recorded with time, actor and reason") { name, reason, json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForWritingAsync(result, ct);
            var d = await RequireAsync(store.Deployments, result.GetValue(name)!, ct);
            if (d.State.Phase == RolloutPhase.RolledBack) throw new KeelInputException($"deployment '{d.Name}' is already rolled back");
            var e = await store.Deployments.ChangeStateAsync(d.Name, DeploymentEventKind.Rollback,
                d.State with { Phase = RolloutPhase.RolledBack, ChallengerPercent = 0 }, Actor(o), result.GetValue(reason) ?? "manual rollback", ct);
            return Print(o, e, result.GetValue(json));
        });
        return command;
    }

    private static Command Mode(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var name = new Argument<string>("name") { Description = "Deployment name" };
        var mode = new Argument<string>("mode") { Description = "shadow, assist, partial or full" };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the history" };
        var command = new Command("mode", "Change the human-in-the-loop mode (shadow, assist, partial, full); recorded") { name, mode, reason, json };
        command.SetAction(async (result, ct) =>
        {
            var text = result.GetValue(mode)!;
            if (!Enum.TryParse<DeploymentMode>(text, ignoreCase: true, out var m) || !Enum.GetNames<DeploymentMode>().Contains(text, StringComparer.OrdinalIgnoreCase))
                throw new KeelInputException($"mode '{text}': expected shadow, assist, partial or full");
            await using var store = await o.OpenForWritingAsync(result, ct);
            var d = await RequireAsync(store.Deployments, result.GetValue(name)!, ct);
            var e = await store.Deployments.ChangeStateAsync(d.Name, DeploymentEventKind.Mode, d.State with { Mode = m }, Actor(o), result.GetValue(reason), ct);
            return Print(o, e, result.GetValue(json));
        });
        return command;
    }

    private static Command Export(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var name = new Argument<string>("name") { Description = "Deployment name" };
        var output = new Option<string>("--output") { Description = "The file to write: .csv or .jsonl", Required = true };
        var from = new Option<string?>("--from") { Description = "Only requests from this time on, e.g. 2026-11-20 (UTC unless an offset is named)" };
        var to = new Option<string?>("--to") { Description = "Only requests before this time" };
        var arm = new Option<string?>("--arm") { Description = "Only the requests this arm answered: champion or challenger" };
        var rows = new Option<string>("--rows") { Description = "labelled (with an outcome), unlabelled (a pool for keel label suggest) or all; a row without an outcome has its label empty", DefaultValueFactory = _ => "labelled" };
        var label = new Option<string?>("--label") { Description = "The outcome column's name (default: the label column the serving model was trained on)" };
        var time = new Option<string?>("--time-column") { Description = "Also write each row's request time (ISO 8601, UTC) into a column of this name" };
        var command = new Command("export", "Write a deployment's logged requests with their feedback as a labelled table (production data with natural labels, for keel retrain)")
            { name, output, from, to, arm, rows, label, time, json };
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(arm) is { } a && a is not ("champion" or "challenger")) throw new KeelInputException($"--arm '{a}': expected champion or challenger.");
            var which = result.GetValue(rows) switch
            {
                "labelled" => Keel.Pipeline.Monitor.ExportedRows.Labelled,
                "unlabelled" => Keel.Pipeline.Monitor.ExportedRows.Unlabelled,
                "all" => Keel.Pipeline.Monitor.ExportedRows.All,
                var x => throw new KeelInputException($"--rows '{x}': expected labelled, unlabelled or all."),
            };
            await using var store = await o.OpenForReadingAsync(result, ct);
            var r = await Keel.Pipeline.Monitor.LogExport.RunAsync(store, new Keel.Pipeline.Monitor.LogExportRequest
            {
                Deployment = result.GetValue(name)!, Output = o.Context.Resolve(result.GetValue(output)!),
                From = MonitorCommand.Time(result.GetValue(from), "--from"), To = MonitorCommand.Time(result.GetValue(to), "--to"),
                Arm = result.GetValue(arm), Rows = which, Label = result.GetValue(label), TimeColumn = result.GetValue(time),
            }, ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { path = r.Path, requests = r.Requests, rows = r.Rows, labelled = r.Labelled, label = r.Label });
                return KeelApp.ExitOk;
            }
            o.Context.Console.MarkupLineInterpolated($"Wrote {r.Rows:N0} row(s) of {r.Requests:N0} logged request(s), {r.Labelled:N0} labelled (column {r.Label}), to {r.Path}");
            if (r.Rows == 0 && which == Keel.Pipeline.Monitor.ExportedRows.Labelled)
                o.Context.Console.MarkupLine("[yellow]No row had feedback yet: `POST /feedback` or `keel review label` gives outcomes; --rows unlabelled writes the rows waiting for one.[/]");
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static async Task RequireModelAsync(IModelRegistry registry, ModelReference r, string file, string field, CancellationToken ct)
    {
        var found = r.Alias is { } alias ? await registry.GetByAliasAsync(r.Name, alias, ct) : await registry.GetVersionAsync(r.Name, r.Version!.Value, ct);
        if (found is not null) return;
        var model = await registry.GetModelAsync(r.Name, ct);
        throw new KeelInputException(model is null
            ? $"{file}, field '{field}': model '{r.Name}' is not registered; `keel models list` shows what is"
            : r.Alias is not null
                ? $"{file}, field '{field}': model '{r.Name}' has no alias '{r.Alias}'; its aliases: {(model.Aliases.Count == 0 ? "none" : string.Join(", ", model.Aliases.Keys))}"
                : $"{file}, field '{field}': model '{r.Name}' has no version {r.Version}; versions are 1..{model.LatestVersion}");
    }

    internal static async Task<Deployment> RequireAsync(IDeploymentStore store, string name, CancellationToken ct) =>
        await store.GetAsync(name, ct) ?? throw new KeelNotFoundException($"no deployment called '{name}'; `keel deployments list` shows them");

    private static int Print(CommandOptions o, DeploymentEvent e, bool json)
    {
        if (json) Json.Write(o.Context.Out, e);
        else
            o.Context.Console.MarkupLineInterpolated($"{e.Deployment}: {Text(e.Kind)}: {Text(e.From!.Phase)} → {Text(e.To.Phase)}, challenger share {Format.Number(e.To.ChallengerPercent)}%, mode {Text(e.To.Mode)}");
        return KeelApp.ExitOk;
    }

    /// <summary>A deployment without its file text (show prints that separately).</summary>
    private static object Summary(Deployment d) => new { d.Name, d.Strategy, d.Champion, d.Challenger, d.State, d.SpecVersion, d.CreatedAt, d.UpdatedAt };

    /// <summary>Enum values as the files and JSON write them: snake_case ("RolledBack" → "rolled_back").</summary>
    internal static string Text<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    internal static string Actor(CommandOptions o) => $"keel cli ({o.Context.User})";
}
