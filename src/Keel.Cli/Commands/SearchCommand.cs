using System.CommandLine;
using Keel.Cli.Output;
using Keel.Core;
using Keel.Pipeline;
using Keel.Pipeline.Search;
using Keel.Tracking;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel search SPEC` and `keel search --join STUDY`: hyper-parameter search, shared by worker processes through the store.</summary>
internal static class SearchCommand
{
    public static Command Build(CommandOptions o)
    {
        var spec = new Argument<string?>("spec") { Description = "Path of the spec (keel.yaml); its search section configures the search", Arity = ArgumentArity.ZeroOrOne };
        var workers = new Option<int>("--workers") { Description = "Trials trained at once in this process (default 1)", DefaultValueFactory = _ => 1 };
        var trials = new Option<int?>("--trials") { Description = "Trials in all, shared evenly by the families (overrides search.trials)" };
        var timeout = new Option<string?>("--timeout") { Description = "Wall-clock budget of this process, e.g. 90s, 10m, 2h: no trial starts after it (overrides search.timeout)" };
        var join = new Option<string?>("--join") { Description = "Add this process's workers to an existing study (by name) instead of starting one" };
        var report = new Option<string?>("--report") { Description = "Where to write the search report (default: reports/SEARCH_RUN_ID.html beside the store)" };
        var json = CommandOptions.JsonOption();
        var command = new Command("search", "Hyper-parameter search over the candidate families (TPE, random or grid; median or ASHA pruning), tracked, resumable, shared by workers")
        {
            spec, workers, trials, timeout, join, report, json,
        };
        command.SetAction((result, ct) =>
        {
            var request = new SearchRequest { Workers = result.GetValue(workers), Trials = result.GetValue(trials), Timeout = Duration(result.GetValue(timeout)) };
            var specPath = result.GetValue(spec);
            var study = result.GetValue(join);
            if ((specPath is null) == (study is null))
                throw new KeelInputException("keel search: expected either a spec (keel search SPEC) or --join STUDY, not both or neither");
            return study is not null
                ? JoinAsync(o, study, request, result.GetValue(json), o.Store(result), ct)
                : SearchAsync(o, o.Context.Resolve(specPath!), request, o.ReportPath(result, report), result.GetValue(json), o.Store(result), ct);
        });
        return command;
    }

    private static TimeSpan? Duration(string? text) => text is null ? null
        : Durations.Parse(text) ?? throw new KeelInputException($"--timeout '{text}': expected a duration such as 90s, 10m or 2h");

    private static async Task<int> SearchAsync(CommandOptions o, string specPath, SearchRequest request, string? reportPath, bool json, StoreOptions storeOptions, CancellationToken ct)
    {
        var c = o.Context;
        var prepared = RunPreparation.Prepare(specPath, null);
        _ = SearchPlan.From(prepared, request); // every search field is checked before the store is touched
        await using var store = await KeelStore.OpenAsync(storeOptions, ct);
        string Report(string runId) => reportPath is null ? Path.Combine(storeOptions.ResolveFolder(), "reports", runId + ".html") : c.Resolve(reportPath);
        var pipeline = new SearchPipeline(store, c.Time, new Lines(json ? null : c.Console, request.Workers), c.User);
        var outcome = await pipeline.SearchAsync(prepared, request, Report, ct);
        if (json)
        {
            Json.Write(c.Out, outcome);
        }
        else
        {
            PrintBudgets(c.Console, outcome);
            if (outcome.Final is { } final) Leaderboard.Print(c.Console, final);
            else c.Console.MarkupLine("No trial completed, so nothing was trained for registration.");
            c.Console.MarkupLineInterpolated($"search report: {outcome.ReportPath}");
        }
        return outcome.Final?.Gates.Any(g => !g.Passed) == true ? KeelApp.ExitGatesFailed : KeelApp.ExitOk;
    }

    private static async Task<int> JoinAsync(CommandOptions o, string study, SearchRequest request, bool json, StoreOptions storeOptions, CancellationToken ct)
    {
        var c = o.Context;
        await using var store = await KeelStore.OpenAsync(storeOptions, ct);
        var outcome = await new SearchPipeline(store, c.Time, new Lines(json ? null : c.Console, request.Workers), c.User).JoinAsync(study, request, ct);
        if (json) Json.Write(c.Out, outcome);
        else c.Console.MarkupLineInterpolated($"joined {study}: ran {outcome.Ran.Count} trial(s)");
        return KeelApp.ExitOk;
    }

    private static void PrintBudgets(IAnsiConsole console, SearchOutcome outcome)
    {
        var table = new Table().AddColumns("family", "trials", "complete", "pruned", "failed", "rounds", "seconds", $"best val {outcome.Metric}");
        foreach (var b in outcome.Budgets)
        {
            table.AddRow(Markup.Escape(b.Family), $"{b.Trials}", $"{b.Complete}", $"{b.Pruned}", $"{b.Failed}", $"{b.Rounds}",
                Format.Number(b.Seconds, "0.0"), b.Best is { } v ? Format.Number(v, "0.####") : "—");
        }
        console.Write(table);
    }

    /// <summary>The plan's header line, one line per ended trial with where the study stands (progress bars would fight with several
    /// workers), then one line per finished step of the final run; nothing with --json.</summary>
    private sealed class Lines(IAnsiConsole? console, int workers) : IProgress<SearchProgress>
    {
        /// <summary>Time since the final run began or its last step finished (its steps run one after another).</summary>
        private readonly System.Diagnostics.Stopwatch _step = new();

        public void Report(SearchProgress p)
        {
            if (console is null) return;
            if (p.Plan is { } plan)
            {
                // The plan as resumed: a study from before trial scoring was recorded goes on scoring as it began.
                console.MarkupLineInterpolated($"[bold]search {plan.Study}[/]: {string.Join(", ", plan.Families)}; {plan.SamplerText}, pruner {plan.PrunerText}; {(plan.PlannedTrials is { } planned ? $"{planned} trials" : "no trial limit")}{(plan.Timeout is { } timeout ? $", timeout {timeout.TotalSeconds:0} s" : "")}; {workers} worker(s); trials scored by {plan.Scoring} {plan.Metric}");
                if (plan.Population is { } population && plan.PlannedTrials is { } all && all / plan.Families.Count <= population)
                    console.MarkupLineInterpolated($"  [yellow]note:[/] nsga2's first generation is {population} complete trials of a family, drawn at random, and each family gets about {all / plan.Families.Count}: every trial will be random (set search.population lower, or plan more trials)");
                if (plan.NothingToSearch.Count > 0)
                    console.MarkupLineInterpolated($"  not searched: {string.Join(", ", plan.NothingToSearch)} (its model's options fix its whole default space; it competes in the final run as given)");
                return;
            }
            if (p.Last is not { } t)
            {
                if (p.Step is { } step)
                {
                    console.MarkupLineInterpolated($"  final: {step} done, {Format.Number(_step.Elapsed.TotalSeconds, "0.0")} s");
                }
                else
                {
                    console.MarkupLineInterpolated($"  {p.Phase}: training the best trial of each family beside the baselines");
                }
                _step.Restart();
                return;
            }
            var of = p.Planned is { } n ? $"/{n}" : "";
            var value = t.Value is { } v ? Format.Number(v, "0.####") : "—";
            var best = p.Best is { } b ? $"best {Format.Number(b, "0.####")}{(p.BestTrial is { } bt ? $" (trial {bt})" : "")}" : "none complete yet";
            console.MarkupLineInterpolated($"  trial {t.Number} {t.Family}: {t.State.ToString().ToLowerInvariant()} {value}{(t.Rounds > 0 ? $" after {t.Rounds} rounds" : "")}, {Format.Number(t.TrainSeconds, "0.0")} s  (study: {p.Ended}{of} ended, {best})");
        }
    }
}
