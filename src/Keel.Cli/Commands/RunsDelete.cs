using System.CommandLine;
using Keel.Cli.Output;
using Keel.Core;
using Keel.Core.Tracking;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel runs delete RUN... [--children] [--yes]`: removes runs (with --children, their child runs too) from the store; `keel gc`
/// then reclaims their files.</summary>
internal static class RunsDelete
{
    public static Command Build(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var ids = new Argument<string[]>("runs") { Description = "Run ids (or unique prefixes of at least 6 characters)", Arity = ArgumentArity.OneOrMore };
        var yes = new Option<bool>("--yes") { Description = "Delete without asking" };
        var children = new Option<bool>("--children") { Description = "Also delete the runs' child runs (a search's trials)" };
        var command = new Command("delete", "Delete finished, failed or killed runs (not runs a registered model version comes from)") { ids, yes, children, json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForWritingAsync(result, ct);
            var runs = new List<Run>();
            foreach (var id in result.GetValue(ids)!.Distinct()) runs.Add(await RunsCommand.Get(store, id, ct));
            var childCounts = await store.Tracking.CountChildRunsAsync(runs.Select(r => r.Id).ToList(), ct);
            if (result.GetValue(children))
            {
                // Children first, so a refused parent never leaves behind runs that name it.
                var named = runs.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
                var found = new List<Run>();
                foreach (var parent in runs.Where(r => childCounts.ContainsKey(r.Id)))
                    found.AddRange((await ChildrenAsync(store.Tracking, parent.Id, ct)).Where(r => named.Add(r.Id)));
                runs.InsertRange(0, found);
            }
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
                    // The default report copy beside the store goes too; its logged copy is an artifact like any other. Runs logged
                    // through the tracking API have none, and a store that never wrote a report has no reports folder.
                    if (Directory.Exists(reportsFolder)) File.Delete(Path.Combine(reportsFolder, run.Id + ".html"));
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
                var staying = childCounts.Values.Sum() - deleted.Count(r => r.Tags.TryGetValue(RunTags.Parent, out var p) && childCounts.ContainsKey(p));
                if (staying > 0) c.MarkupLineInterpolated($"{staying} child run(s) of these (a search's trials) stay: --children deletes them too.");
            }
            // Each refusal once, on standard error (also beside --json's list).
            foreach (var why in refused) await o.Context.Error.WriteLineAsync($"error: {why}");
            return refused.Count == 0 ? KeelApp.ExitOk : KeelApp.ExitInput;
        });
        return command;
    }

    /// <summary>Every run whose parent tag names <paramref name="parentId"/>, page by page.</summary>
    private static async Task<List<Run>> ChildrenAsync(ITrackingStore tracking, string parentId, CancellationToken ct)
    {
        var all = new List<Run>();
        string? token = null;
        do
        {
            var page = await tracking.SearchRunsAsync(new RunQuery { Filter = $"tags.{RunTags.Parent} = '{parentId}'", MaxResults = 1000, PageToken = token }, ct);
            all.AddRange(page.Runs);
            token = page.NextPageToken;
        }
        while (token is not null);
        return all;
    }
}
