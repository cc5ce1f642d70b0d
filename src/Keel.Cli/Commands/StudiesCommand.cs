using System.CommandLine;
using System.Globalization;
using Keel.Cli.Output;
using Keel.Core;
using Keel.Pipeline.Search;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel studies list | show`: the hyper-parameter searches in the store, what `keel search --join` takes, and their trials.</summary>
internal static class StudiesCommand
{
    public static Command Build(CommandOptions o)
    {
        var studies = new Command("studies", "Hyper-parameter search studies: progress, best trial and every trial (the names `keel search --join` takes)");
        studies.Subcommands.Add(List(o));
        studies.Subcommands.Add(Show(o));
        studies.Subcommands.Add(Delete(o));
        return studies;
    }

    private static Command List(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var command = new Command("list", "List studies: families, trials per state against the plan, and the best trial") { json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var all = await StudyOverviews.ListAsync(store.Studies, o.Context.Time.GetUtcNow(), ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new
                {
                    studies = all.Select(s => new
                    {
                        s.Name, s.Families, s.PlannedTrials, s.Metric, s.HigherIsBetter, s.Scoring, s.SpecPath, s.CreatedAt, s.SearchRunId, s.Counts, s.Best,
                    }),
                });
                return KeelApp.ExitOk;
            }
            if (all.Count == 0)
            {
                o.Context.Console.MarkupLine("No studies yet: `keel search keel.yaml` starts one.");
                return KeelApp.ExitOk;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in new[] { "study", "families", "complete / planned", "pruned", "failed", "running", "best", "created" }) table.AddColumn(h);
            foreach (var s in all)
            {
                table.AddRow(Markup.Escape(s.Name), Markup.Escape(string.Join(", ", s.Families)), $"{s.Counts.Complete} / {Planned(s)}",
                    I(s.Counts.Pruned), I(s.Counts.Failed), I(s.Counts.Running), Markup.Escape(Best(s)), Format.Time(s.CreatedAt));
            }
            o.Context.Console.Write(table);
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command Show(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var name = new Argument<string>("study") { Description = "The study's name (search.study, default EXPERIMENT-search)" };
        var state = new Option<string?>("--state") { Description = "Only trials in this state: running, complete, pruned or failed" };
        state.AcceptOnlyFromAmong("running", "complete", "pruned", "failed");
        var command = new Command("show", "Show a study: its spec, scoring, progress and every trial with the options it ran with") { name, state, json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var s = await StudyOverviews.GetAsync(store.Studies, result.GetValue(name)!, o.Context.Time.GetUtcNow(), ct);
            if (result.GetValue(state) is { } only) s = s with { Trials = s.Trials.Where(t => t.State == only).ToArray() };
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { study = s });
                return KeelApp.ExitOk;
            }
            var c = o.Context.Console;
            c.MarkupLineInterpolated($"[bold]{s.Name}[/]: {string.Join(", ", s.Families)}; {s.Counts.Complete} complete of {Planned(s)} planned, {s.Counts.Pruned} pruned, {s.Counts.Failed} failed, {s.Counts.Running} running{(s.Counts.Waiting is > 0 and var w ? $", {w} not started" : "")}");
            c.MarkupLineInterpolated($"trials scored by {s.Scoring ?? "?"} {s.Metric ?? "?"}; best {Best(s)}; search run {(s.SearchRunId is { } r ? Format.ShortId(r) : "none yet")}");
            c.MarkupLineInterpolated($"spec {s.SpecPath ?? "?"}; sampler {s.Sampler ?? "?"}, pruner {s.Pruner ?? "?"}");
            if (s.Trials.Count == 0)
            {
                c.MarkupLine("No trials.");
                return KeelApp.ExitOk;
            }
            var table = new Table().Border(TableBorder.Rounded);
            // A multi-objective study's trials also show their value per objective, as the study keeps them for the sampler.
            var objectives = s.Objectives.Count > 1 ? s.Objectives : [];
            foreach (var h in new[] { "#", "family", "state", "value" }.Concat(objectives.Count > 0 ? [string.Join(" · ", objectives.Select(ParetoPoints.Axis))] : [])
                .Concat(["attempt", "last round reported", "options", "ended / last heartbeat", "run"])) table.AddColumn(h);
            foreach (var t in s.Trials)
            {
                var when = t.EndedAt is { } e ? Format.Time(e) : $"{Format.Time(t.HeartbeatAt)} ({t.Worker})";
                var values = t.Values is { } vs && vs.Count == objectives.Count ? ParetoPoints.FormatValues(vs) : "";
                table.AddRow([I(t.Number) + (t.Defaults ? " (defaults)" : t.Enqueued ? " (enqueued)" : "") + (t.Generation is { } g ? $" (gen {I(g)})" : ""), Markup.Escape(t.Family), Markup.Escape(t.State + (t.Stale ? " (stale: the next claim retries it)" : "") + (t.Error is { } err ? $": {err}" : "")),
                    Format.Metric(t.Value), .. objectives.Count > 0 ? [values] : Array.Empty<string>(), I(t.Attempt), I(t.Rounds),
                    Markup.Escape(string.Join(", ", t.Params.Select(p => $"{p.Key}={p.Value}"))), Markup.Escape(when), t.RunId is { } run ? Format.ShortId(run) : ""]);
            }
            c.Write(table);
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command Delete(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var name = new Argument<string>("study") { Description = "The study's name" };
        var yes = new Option<bool>("--yes") { Description = "Delete without asking" };
        var command = new Command("delete", "Delete a study and its trials (not while a live worker runs one), so its name can start afresh; its trials' tracked runs stay")
        {
            name, yes, json,
        };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForWritingAsync(result, ct);
            var n = result.GetValue(name)!;
            var study = await StudyOverviews.RequireAsync(store.Studies, n, ct);
            var c = o.Context.Console;
            if (!result.GetValue(yes))
            {
                if (!c.Profile.Capabilities.Interactive || result.GetValue(json))
                    throw new KeelInputException($"studies delete: pass --yes to delete study '{n}' and its trials; nothing was deleted");
                if (!await c.ConfirmAsync($"Delete study {Markup.Escape(n)} and its trials?", defaultValue: false, ct)) return KeelApp.ExitInput;
            }
            var trials = await StudyOverviews.DeleteAsync(store.Studies, study, o.Context.Time.GetUtcNow(), ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { study = n, trials_deleted = trials });
                return KeelApp.ExitOk;
            }
            c.MarkupLineInterpolated($"Deleted study [bold]{n}[/] and its {trials} trial(s). Their tracked runs stay: `keel runs list --filter \"tags.keel.study = '{n}'\"` lists them, `keel runs delete` removes them.");
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static string Planned(StudyOverview s) => s.PlannedTrials?.ToString(CultureInfo.InvariantCulture) ?? "no limit";

    private static string Best(StudyOverview s) => s.Best is { } b ? $"{Format.Metric(b.Value)} (trial {b.Number}, {b.Family})" : "none yet";

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
