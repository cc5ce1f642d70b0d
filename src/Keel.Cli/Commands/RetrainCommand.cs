using System.CommandLine;
using Keel.Cli.Output;
using Keel.Pipeline;
using Keel.Pipeline.Retrain;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel retrain SPEC --model NAME@ALIAS`: retrain on a data window when a trigger fires; register only a better challenger.</summary>
internal static class RetrainCommand
{
    public static Command Build(CommandOptions o)
    {
        var spec = new Argument<string>("spec") { Description = "Path of the spec (keel.yaml); its retrain section is the policy unless --policy is given" };
        var model = new Option<string>("--model") { Description = "The champion, e.g. credit-risk@champion", Required = true };
        var policy = new Option<string?>("--policy") { Description = "A retraining policy file (instead of the spec's retrain section)" };
        var deployment = new Option<string?>("--deployment") { Description = "Start this deployment's rollout with the new version as challenger" };
        var force = new Option<bool>("--force") { Description = "Retrain even when no trigger fires" };
        var seed = new Option<int?>("--seed") { Description = "Override the spec's seed" };
        var report = new Option<string?>("--report") { Description = "Where to write the HTML report (default: reports/RUN_ID.html beside the store)" };
        var json = CommandOptions.JsonOption();
        var command = new Command("retrain", "Retrain when a trigger fires; register the challenger only if it beats the champion on held-out recent rows")
        {
            spec, model, policy, deployment, force, seed, report, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var c = o.Context;
            var storeOptions = o.Store(result);
            var request = new RetrainRequest
            {
                SpecPath = c.Resolve(result.GetValue(spec)!),
                Model = result.GetValue(model)!,
                PolicyPath = result.GetValue(policy) is { } p ? c.Resolve(p) : null,
                Deployment = result.GetValue(deployment),
                Force = result.GetValue(force),
                Seed = result.GetValue(seed),
            };
            var reportPath = o.ReportPath(result, report);
            string Report(string runId) => reportPath ?? Path.Combine(storeOptions.ResolveFolder(), "reports", runId + ".html");
            await using var store = await o.OpenForWritingAsync(result, ct);
            var quiet = result.GetValue(json);
            var progress = new RunCommand.SyncProgress(p =>
            {
                if (!quiet && p.Done >= 1) c.Console.MarkupLineInterpolated($"  done: {p.Step}");
            });
            var outcome = await new RetrainPipeline(store, c.Time, progress, c.User).ExecuteAsync(request, Report, ct);
            if (quiet) Json.Write(c.Out, outcome);
            else
            {
                foreach (var t in outcome.Triggers)
                    c.Console.MarkupLineInterpolated($"trigger {t.Trigger}: {(t.Fired ? "fired" : "not fired")} ({t.Detail})");
                if (outcome.Window is { } w) c.Console.MarkupLineInterpolated($"window: {w}");
                if (outcome.RunId is { } id) c.Console.MarkupLineInterpolated($"run {id}");
                c.Console.MarkupLineInterpolated($"{outcome.Message}");
                if (outcome.Deployment is { } d) c.Console.MarkupLineInterpolated($"{d}");
            }
            return !outcome.Retrained || outcome.Registered is not null ? KeelApp.ExitOk
                : outcome.Comparison is { Promoted: false } ? KeelApp.ExitNotPromoted : KeelApp.ExitGatesFailed;
        });
        return command;
    }
}
