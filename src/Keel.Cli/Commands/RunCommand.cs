using System.CommandLine;
using Keel.Cli.Output;
using Keel.Pipeline;
using Keel.Tracking;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel run SPEC`: the whole pipeline for one spec, tracked as one run.</summary>
internal static class RunCommand
{
    public static Command Build(CommandOptions o)
    {
        var spec = new Argument<string>("spec") { Description = "Path of the spec (keel.yaml)" };
        var json = CommandOptions.JsonOption();
        var seed = new Option<int?>("--seed") { Description = "Override the spec's seed" };
        var report = new Option<string?>("--report") { Description = "Where to write the HTML report (default: reports/RUN_ID.html beside the store)" };
        var sanity = new Option<bool>("--sanity") { Description = "Only check that each candidate can overfit 100 training rows (nothing is tracked); exit 3 if one cannot" };
        var command = new Command("run", "Train baselines and candidates, evaluate, select, register and report, as one tracked run")
        {
            spec, json, seed, report, sanity,
        };
        command.SetAction((result, ct) => result.GetValue(sanity)
            ? Task.FromResult(Sanity(o, o.Context.Resolve(result.GetValue(spec)!), result.GetValue(json), result.GetValue(seed)))
            : ExecuteAsync(o, o.Context.Resolve(result.GetValue(spec)!), result.GetValue(json),
            result.GetValue(seed), o.ReportPath(result, report), o.Store(result), ct));
        return command;
    }

    private static int Sanity(CommandOptions o, string specPath, bool json, int? seed)
    {
        var results = SanityCheck.Run(RunPreparation.Prepare(specPath, seed));
        if (json) Json.Write(o.Context.Out, results);
        else
        {
            foreach (var r in results)
            {
                if (r.Passed) o.Context.Console.MarkupLineInterpolated($"  ok: {r.Candidate} fits {r.Rows} training rows (training error {Format.Number(r.TrainingError)})");
                else o.Context.Console.MarkupLineInterpolated($"  [red]FAILED[/]: {r.Message}");
            }
        }
        return results.All(r => r.Passed) ? KeelApp.ExitOk : KeelApp.ExitGatesFailed;
    }

    public static async Task<int> ExecuteAsync(CommandOptions o, string specPath, bool json, int? seed, string? reportPath, StoreOptions storeOptions, CancellationToken ct)
    {
        var c = o.Context;
        // Everything that can be wrong with the input is found here, before the store is opened or touched.
        var prepared = RunPreparation.Prepare(specPath, seed);
        await using var store = await KeelStore.OpenAsync(storeOptions, ct);
        var actor = c.User;
        RunOutcome outcome;
        string Report(string runId) => reportPath is null ? Path.Combine(storeOptions.ResolveFolder(), "reports", runId + ".html") : c.Resolve(reportPath);
        if (json)
        {
            outcome = await ExecuteWithReportAsync(store, c.Time, actor, new SyncProgress(_ => { }), prepared, Report, ct);
            Json.Write(c.Out, outcome);
        }
        else
        {
            c.Console.MarkupLineInterpolated($"[bold]{prepared.Experiment}[/]: {prepared.Table.RowCount} rows, task {RunPreparation.Lower(prepared.Task)}, split {RunPreparation.Lower(prepared.Strategy)} {prepared.Split.Train.Length}/{prepared.Split.Validation.Length}/{prepared.Split.Test.Length}, metric {prepared.Metric}");
            ValidateCommand.PrintFindings(c.Console, prepared.Checks.All);
            outcome = c.Console.Profile.Capabilities.Interactive
                ? await WithProgressBarsAsync(c.Console, prepared, progress => ExecuteWithReportAsync(store, c.Time, actor, progress, prepared, Report, ct))
                : await ExecuteWithReportAsync(store, c.Time, actor, new SyncProgress(p =>
                {
                    // Logs and pipes get one line per finished step instead of redrawn bars.
                    if (p.Done >= 1) c.Console.MarkupLineInterpolated($"  done: {p.Step}");
                }), prepared, Report, ct);
            // Checks made after training (transforms fitted on training rows only) are printed with the results.
            ValidateCommand.PrintFindings(c.Console, outcome.Checks.Leakage.Except(prepared.Checks.Leakage));
            Leaderboard.Print(c.Console, outcome);
        }
        return outcome.Gates.Any(g => !g.Passed) ? KeelApp.ExitGatesFailed : KeelApp.ExitOk;
    }

    private static async Task<RunOutcome> WithProgressBarsAsync(IAnsiConsole console, PreparedRun prepared, Func<IProgress<PipelineProgress>, Task<RunOutcome>> execute)
    {
        RunOutcome? outcome = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var tasks = RunPipeline.Steps(prepared).ToDictionary(s => s, s => ctx.AddTask(Markup.Escape(s), maxValue: 1));
                outcome = await execute(new SyncProgress(p => tasks[p.Step].Value = p.Done));
            });
        return outcome!;
    }

    private static async Task<RunOutcome> ExecuteWithReportAsync(KeelStore store, TimeProvider time, string actor, IProgress<PipelineProgress> progress,
        PreparedRun prepared, Func<string, string> report, CancellationToken ct)
    {
        var pipeline = new RunPipeline(store, time, progress, actor);
        return await pipeline.ExecuteAsync(prepared, report, ct);
    }

    /// <summary>Reports progress on the caller's thread (Progress&lt;T&gt; would post to the thread pool and lag behind).</summary>
    internal sealed class SyncProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
