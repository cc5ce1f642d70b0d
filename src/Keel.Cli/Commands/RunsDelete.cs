using System.CommandLine;
using Keel.Cli.Output;
using Keel.Core;
using Keel.Core.Tracking;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel runs delete RUN... [--yes]`: removes runs from the store; `keel gc` then reclaims their files.</summary>
internal static class RunsDelete
{
    public static Command Build(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var ids = new Argument<string[]>("runs") { Description = "Run ids (or unique prefixes of at least 6 characters)", Arity = ArgumentArity.OneOrMore };
        var yes = new Option<bool>("--yes") { Description = "Delete without asking" };
        var command = new Command("delete", "Delete finished, failed or killed runs (not runs a registered model version comes from)") { ids, yes, json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForWritingAsync(result, ct);
            var runs = new List<Run>();
            foreach (var id in result.GetValue(ids)!.Distinct()) runs.Add(await RunsCommand.Get(store, id, ct));
            var c = o.Context.Console;
            if (!result.GetValue(yes))
            {
                var what = $"{runs.Count} run(s) ({string.Join(", ", runs.Select(r => Format.ShortId(r.Id)))}, {Format.Bytes(runs.Sum(r => r.ArtifactBytes))} of artifacts)";
                if (!c.Profile.Capabilities.Interactive || result.GetValue(json))
                    throw new KeelInputException($"runs delete: pass --yes to delete {what}; nothing was deleted");
                if (!await c.ConfirmAsync($"Delete {Markup.Escape(what)}?", defaultValue: false, ct)) return KeelApp.ExitInput;
            }
            var reportsFolder = Path.Combine(o.Store(result).ResolveFolder(), "reports");
            var deleted = new List<Run>();
            var refused = new List<string>();
            foreach (var run in runs)
            {
                try
                {
                    await store.Tracking.DeleteRunAsync(run.Id, ct);
                    deleted.Add(run);
                    // The default report copy beside the store goes too; its logged copy is an artifact like any other.
                    File.Delete(Path.Combine(reportsFolder, run.Id + ".html"));
                }
                catch (KeelInputException e)
                {
                    refused.Add(e.Message);
                }
            }
            if (result.GetValue(json))
                Json.Write(o.Context.Out, new { deleted = deleted.Select(r => r.Id), refused });
            else
            {
                foreach (var r in deleted) c.MarkupLineInterpolated($"deleted run {r.Id} ({Format.Bytes(r.ArtifactBytes)} of artifacts)");
                if (deleted.Count > 0) c.MarkupLine("Run `keel gc` to reclaim the artifact files no other run or model version uses.");
            }
            // Each refusal once, on standard error (also beside --json's list).
            foreach (var why in refused) await o.Context.Error.WriteLineAsync($"error: {why}");
            return refused.Count == 0 ? KeelApp.ExitOk : KeelApp.ExitInput;
        });
        return command;
    }
}
