using System.CommandLine;
using Keel.Cli.Output;
using Keel.Tracking;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel gc [--dry-run]`: deletes artifact files no run or model version refers to, and temp files of crashed writes.</summary>
internal static class GcCommand
{
    public static Command Build(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "Only show the store's size and what would be reclaimed (opens the store read-only)" };
        var keepRecent = new Option<double>("--keep-recent")
        {
            Description = "Keep unreferenced files written in the last MINUTES (a run in progress may be about to log them)",
            DefaultValueFactory = _ => new GarbageCollectionOptions().KeepRecent.TotalMinutes,
        };
        var command = new Command("gc", "Reclaim space: delete artifact files no run or model version uses, and temp files of crashed writes") { dryRun, keepRecent, json };
        command.SetAction(async (result, ct) =>
        {
            var dry = result.GetValue(dryRun);
            var minutes = result.GetValue(keepRecent);
            if (!(minutes >= 0)) throw new Keel.Core.KeelInputException($"--keep-recent {minutes}: expected 0 or more minutes");
            await using var store = dry ? await o.OpenForReadingAsync(result, ct) : await o.OpenForWritingAsync(result, ct);
            var (dbBytes, artifactBytes) = store.SizeOnDisk();
            var sweep = await GarbageCollection.CollectAsync(store.Tracking, store.Registry, store.Artifacts,
                new GarbageCollectionOptions { DryRun = dry, KeepRecent = TimeSpan.FromMinutes(minutes) }, o.Context.Time, ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { dry_run = dry, store = store.Description, database_bytes = dbBytes, artifact_bytes = artifactBytes, sweep, bytes_reclaimed = sweep.BytesDeleted });
                return KeelApp.ExitOk;
            }
            var c = o.Context.Console;
            var verb = dry ? "would delete" : "deleted";
            c.MarkupLineInterpolated($"store {store.Description}: database {Format.Bytes(dbBytes)}, artifacts {Format.Bytes(artifactBytes)}");
            c.MarkupLineInterpolated($"{verb} {sweep.BlobsDeleted} unreferenced artifact file(s) ({Format.Bytes(sweep.BlobBytesDeleted)}) and {sweep.TempFilesDeleted} temp file(s) ({Format.Bytes(sweep.TempBytesDeleted)})");
            c.MarkupLineInterpolated($"{(dry ? "would reclaim" : "reclaimed")} {Format.Bytes(sweep.BytesDeleted)}; {sweep.BlobsKept} artifact file(s) ({Format.Bytes(sweep.BlobBytesKept)}) kept");
            return KeelApp.ExitOk;
        });
        return command;
    }
}
