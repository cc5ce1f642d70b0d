using System.CommandLine;
using Keel.Cli.Output;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel store migrate|info`: bring a store's schema up to date, or show where it is and at which version.</summary>
internal static class StoreCommand
{
    public static Command Build(CommandOptions o)
    {
        var command = new Command("store", "The store itself: its backend, location and schema version");
        command.Subcommands.Add(Sub(o, "migrate", "Apply pending schema migrations (every writing command also does it), then show the version", write: true));
        command.Subcommands.Add(Sub(o, "info", "Show the store's backend, location and schema version (read-only)", write: false));
        return command;
    }

    private static Command Sub(CommandOptions o, string name, string description, bool write)
    {
        var json = CommandOptions.JsonOption();
        var command = new Command(name, description) { json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = write ? await o.OpenForWritingAsync(result, ct) : await o.OpenForReadingAsync(result, ct);
            var version = await store.SchemaVersionAsync(ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { backend = store.Backend, store = store.Description, schema_version = version });
                return KeelApp.ExitOk;
            }
            o.Context.Console.MarkupLineInterpolated($"{store.Backend} store {store.Description}: schema version {version}");
            return KeelApp.ExitOk;
        });
        return command;
    }
}
