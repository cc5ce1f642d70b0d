using System.CommandLine;
using System.Data.Common;
using Keel.Cli.Commands;
using Keel.Core;
using Keel.Tracking;

namespace Keel.Cli;

/// <summary>
/// The `keel` command tree. Exit codes: 0 ok, 1 bad input, not found, or a file/store that cannot be read or written, 2 bad usage,
/// 3 gates failed (run kept, model not registered), 4 an alert fired (keel alerts check), 5 retrained but not promoted (challenger not better), 130 interrupted (Ctrl+C), 143 terminated (SIGTERM; set in Program.cs).
/// </summary>
internal static class KeelApp
{
    public const int ExitOk = 0;
    public const int ExitInput = 1;
    public const int ExitUsage = 2;
    public const int ExitGatesFailed = 3;
    public const int ExitAlerts = 4;
    public const int ExitNotPromoted = 5;
    public const int ExitInterrupted = 130;

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken ct = default)
    {
        var store = new Option<string?>("--store")
        {
            Description = "Store URI: a folder (default .keel, or KEEL_STORE), sqlite:PATH/keel.db or postgresql://USER@HOST:PORT/DATABASE[?schema=NAME]",
            Recursive = true,
        };
        var artifacts = new Option<string?>("--artifacts")
        {
            Description = "Artifact folder (default: beside the SQLite file, or .keel/artifacts with PostgreSQL; or KEEL_ARTIFACTS)",
            Recursive = true,
        };
        var root = new RootCommand("Keel: from a raw table to a tracked, evaluated, registered model.");
        root.Options.Add(store);
        root.Options.Add(artifacts);
        var common = new CommandOptions(context, store, artifacts);
        root.Subcommands.Add(InitCommand.Build(common));
        root.Subcommands.Add(RunCommand.Build(common));
        root.Subcommands.Add(QuickstartCommand.Build(common));
        root.Subcommands.Add(RunsCommand.Build(common));
        root.Subcommands.Add(ModelsCommand.Build(common));
        root.Subcommands.Add(ExperimentsCommand.Build(common));
        root.Subcommands.Add(GcCommand.Build(common));
        root.Subcommands.Add(ServeCommand.Build(common));
        root.Subcommands.Add(PredictCommand.Build(common));
        root.Subcommands.Add(EvaluateCommand.Build(common));
        root.Subcommands.Add(AnalyzeCommand.Build(common));
        root.Subcommands.Add(DeploymentsCommand.Build(common));
        root.Subcommands.Add(StoreCommand.Build(common));
        root.Subcommands.Add(ReviewCommand.Build(common));
        root.Subcommands.Add(TokensCommand.Build(common));
        root.Subcommands.Add(AlertsCommand.Build(common));
        root.Subcommands.Add(RetrainCommand.Build(common));
        root.Subcommands.Add(MonitorCommand.Build(common));
        root.Subcommands.Add(SearchCommand.Build(common));
        root.Subcommands.Add(StudiesCommand.Build(common));
        root.Subcommands.Add(ValidateCommand.Build(common));
        root.Subcommands.Add(SampleCommand.Build(common));
        root.Subcommands.Add(LabelCommand.Build(common));
        root.Subcommands.Add(ServerCommand.Build(common));
        root.Subcommands.Add(AuditCommand.Build(common));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) await context.Error.WriteLineAsync($"error: {e.Message}");
            await context.Error.WriteLineAsync("Run 'keel --help' for usage.");
            return ExitUsage;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
                // Program.cs owns Ctrl+C and SIGTERM (the run is marked killed first); System.CommandLine's own handler would
                // give up on the command after 2 s.
                ProcessTerminationTimeout = null,
            }, ct);
        }
        catch (KeelInputException e)
        {
            await context.Error.WriteLineAsync($"error: {e.Message}");
            await TraceAsync(context, e);
            return ExitInput;
        }
        catch (OperationCanceledException)
        {
            await context.Error.WriteLineAsync("cancelled");
            return ExitInterrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DbException)
        {
            // Files and stores the user points at can vanish, be read-only or be locked: say what and where, not a stack trace.
            await context.Error.WriteLineAsync($"error: {e.Message}");
            await TraceAsync(context, e);
            return ExitInput;
        }
        catch (Exception e)
        {
            await context.Error.WriteLineAsync($"error: unexpected {e.GetType().Name}: {e.Message}" + (context.Verbose ? "" : " (set KEEL_DEBUG=1 for details)"));
            await TraceAsync(context, e);
            return ExitInput;
        }
    }

    private static Task TraceAsync(CliContext context, Exception e) =>
        context.Verbose ? context.Error.WriteLineAsync(e.ToString()) : Task.CompletedTask;
}

/// <summary>What every command shares: the context and the recursive --store and --artifacts options.</summary>
internal sealed record CommandOptions(CliContext Context, Option<string?> StoreOption, Option<string?> ArtifactsOption)
{
    /// <summary>
    /// The store: --store, else KEEL_STORE, else .keel; artifacts: --artifacts, else KEEL_ARTIFACTS, else derived from the store.
    /// Relative paths resolve against the working folder.
    /// </summary>
    public StoreOptions Store(ParseResult result) => new()
    {
        Uri = result.GetValue(StoreOption) ?? Context.DefaultStore ?? ".keel",
        ArtifactRoot = result.GetValue(ArtifactsOption) ?? Context.DefaultArtifacts,
        BaseDirectory = Context.WorkingDirectory,
        Time = Context.Time,
    };

    public static Option<bool> JsonOption() => new("--json") { Description = "Print machine-readable JSON only" };

    /// <summary>How a CSV or JSON Lines file given on the command line is read, as the spec's data.encoding, data.delimiter and data.decimal.</summary>
    public static (Option<string?> Encoding, Option<string?> Delimiter, Option<string?> Decimal) TextFileOptions() => (
        new("--encoding") { Description = "Text encoding of a CSV or JSON Lines file: utf-8 (default, checked), latin1, windows-1252, ..." },
        new("--delimiter") { Description = "CSV field delimiter: comma, semicolon, tab or pipe (default: detected from the header)" },
        new("--decimal") { Description = "Decimal mark of numbers: point or comma (default: comma in a semicolon-delimited file, else point)" });

    /// <summary>The read options <see cref="TextFileOptions"/> give (encoding, delimiter, decimal mark; the rest default), checked:
    /// an unknown value is an error naming its option.</summary>
    public static Keel.Data.ReadOptions TextFileValues(
        System.CommandLine.ParseResult result, (Option<string?> Encoding, Option<string?> Delimiter, Option<string?> Decimal) options)
    {
        string? Checked(Option<string?> option, Func<string, string?> problem) =>
            result.GetValue(option) is { } v && problem(v) is { } expected ? throw new Keel.Core.KeelInputException($"{option.Name}: {expected}, got '{v}'.") : result.GetValue(option);
        return new Keel.Data.ReadOptions
        {
            Encoding = Checked(options.Encoding, Keel.Data.TextFormats.EncodingProblem),
            Delimiter = Checked(options.Delimiter, Keel.Data.TextFormats.DelimiterProblem),
            Decimal = Checked(options.Decimal, Keel.Data.TextFormats.DecimalProblem),
        };
    }

    /// <summary>The report path an option gives, resolved and checked before any work is done (a run that trained for an hour must
    /// not fail at its report): a folder, or a file where one of its folders must be, is an error naming the option. Null when not given.</summary>
    public string? ReportPath(ParseResult result, Option<string?> option)
    {
        if (result.GetValue(option) is not { } given) return null;
        var path = Context.Resolve(given);
        if (Directory.Exists(path))
            throw new Keel.Core.KeelInputException($"{option.Name} '{given}': a folder; expected the report's file path, e.g. {Path.Combine(given, "report.html")}.");
        for (var folder = Path.GetDirectoryName(path); folder is not null && !Directory.Exists(folder); folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder))
                throw new Keel.Core.KeelInputException($"{option.Name} '{given}': '{folder}' is a file, so the report's folder cannot be made there.");
        }
        return path;
    }

    /// <summary>Opens the store for a reading command: read-only, never created, migrated or written, so it works on a read-only folder.</summary>
    public Task<KeelStore> OpenForReadingAsync(ParseResult result, CancellationToken ct) =>
        KeelStore.OpenAsync(Store(result) with { ReadOnly = true }, ct);

    /// <summary>Opens the store for a writing command and marks runs whose heartbeat lease expired as killed.</summary>
    public async Task<KeelStore> OpenForWritingAsync(ParseResult result, CancellationToken ct)
    {
        var store = await KeelStore.OpenAsync(Store(result), ct);
        try
        {
            await RunRecovery.MarkAbandonedRunsAsync(store.Tracking, store.Options.RunLease, Context.Time, ct);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }
}
