using System.CommandLine;
using Keel.Cli.Commands;
using Keel.Core;
using Keel.Tracking;

namespace Keel.Cli;

/// <summary>The `keel` command tree. Exit codes: 0 ok, 1 bad input or not found, 2 bad usage, 3 gates failed (run kept, model not registered).</summary>
internal static class KeelApp
{
    public const int ExitOk = 0;
    public const int ExitInput = 1;
    public const int ExitUsage = 2;
    public const int ExitGatesFailed = 3;

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken ct = default)
    {
        var store = new Option<string?>("--store")
        {
            Description = "Store URI: a folder (default .keel, or KEEL_STORE) or sqlite:PATH/keel.db",
            Recursive = true,
        };
        var root = new RootCommand("Keel: from a raw table to a tracked, evaluated, registered model.");
        root.Options.Add(store);
        var common = new CommandOptions(context, store);
        root.Subcommands.Add(InitCommand.Build(common));
        root.Subcommands.Add(RunCommand.Build(common));
        root.Subcommands.Add(QuickstartCommand.Build(common));
        root.Subcommands.Add(RunsCommand.Build(common));
        root.Subcommands.Add(ModelsCommand.Build(common));
        root.Subcommands.Add(ExperimentsCommand.Build(common));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) await context.Error.WriteLineAsync($"error: {e.Message}");
            await context.Error.WriteLineAsync("Run 'keel --help' for usage.");
            return ExitUsage;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (KeelInputException e)
        {
            await context.Error.WriteLineAsync($"error: {e.Message}");
            return ExitInput;
        }
        catch (OperationCanceledException)
        {
            await context.Error.WriteLineAsync("cancelled");
            return 130;
        }
    }
}

/// <summary>What every command shares: the context and the recursive --store option.</summary>
internal sealed record CommandOptions(CliContext Context, Option<string?> StoreOption)
{
    /// <summary>The store: --store, else KEEL_STORE, else .keel; relative paths resolve against the working folder.</summary>
    public StoreOptions Store(ParseResult result) => new()
    {
        Uri = result.GetValue(StoreOption) ?? Context.DefaultStore ?? ".keel",
        BaseDirectory = Context.WorkingDirectory,
        Time = Context.Time,
    };

    public static Option<bool> JsonOption() => new("--json") { Description = "Print machine-readable JSON only" };
}
