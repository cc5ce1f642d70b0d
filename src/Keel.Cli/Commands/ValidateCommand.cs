using System.CommandLine;
using Keel.Cli.Output;
using Keel.Core;
using Keel.Data;
using Keel.Data.Contracts;
using Keel.Data.Quality;
using Keel.Pipeline;
using Keel.Pipeline.Predict;
using Keel.Pipeline.Validate;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel validate FILE`: integrity checks of a table and, when asked, its check against a data contract.</summary>
internal static class ValidateCommand
{
    /// <summary>Exit code when a finding or violation of severity error was found.</summary>
    public const int ExitChecksFailed = 3;

    public static Command Build(CommandOptions o)
    {
        var file = new Argument<string>("file") { Description = "The table: CSV, JSON lines or Parquet" };
        var label = new Option<string?>("--label") { Description = "The label column: enables conflicting-label, imbalance and label-noise checks" };
        var against = new Option<string?>("--against") { Description = "NAME@ALIAS (or NAME, NAME:VERSION): check the data against that model version's contract" };
        var contract = new Option<string?>("--contract") { Description = "Check the data against this contract file" };
        var write = new Option<string?>("--write-contract") { Description = "Infer a contract from this data and write it to this file" };
        var missing = new Option<string[]>("--missing") { Description = "A token that means 'missing' besides the defaults (repeatable)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the label-noise folds", DefaultValueFactory = _ => 42 };
        var json = CommandOptions.JsonOption();
        var text = CommandOptions.TextFileOptions();
        var command = new Command("validate", "Check a table's integrity (duplicates, conflicts, constant columns, mixed types, variants, outliers, imbalance, label noise) and its contract")
        {
            file, label, against, contract, write, missing, text.Encoding, text.Delimiter, text.Decimal, seed, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var c = o.Context;
            var reading = CommandOptions.TextFileValues(result, text);
            var againstRef = result.GetValue(against) is { } a ? ModelReference.Parse(a) : null;
            var contractPath = result.GetValue(contract) is { } cp ? c.Resolve(cp) : null;
            if (againstRef is not null && contractPath is not null)
                throw new KeelInputException("--against and --contract: give one contract, not both.");
            var request = new ValidationRequest
            {
                Path = c.Resolve(result.GetValue(file)!),
                Label = result.GetValue(label),
                ContractPath = contractPath,
                Seed = result.GetValue(seed),
                Read = reading with { MissingTokens = [.. reading.MissingTokens, .. result.GetValue(missing) ?? []] },
            };
            var contractOut = result.GetValue(write) is { } w ? c.Resolve(w) : null;
            if (contractOut is not null) Keel.Data.OutputFiles.NotTheInput(contractOut, request.Path, "--write-contract", "the contract");
            ValidationOutcome outcome;
            if (againstRef is not null)
            {
                await using var store = await o.OpenForReadingAsync(result, ct);
                outcome = await DataValidation.RunAsync(request, store, againstRef, ct);
            }
            else outcome = await DataValidation.RunAsync(request, null, null, ct);

            if (contractOut is not null)
            {
                var table = TableReader.Read(request.Path, request.Read).Table;
                await Keel.Pipeline.TextOutputs.WriteAsync(contractOut, DataContract.Infer(table).ToJson(), $"--write-contract '{contractOut}'", "", ct);
            }
            if (result.GetValue(json)) Json.Write(c.Out, outcome);
            else Print(c.Console, outcome);
            return outcome.Errors > 0 ? ExitChecksFailed : KeelApp.ExitOk;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, ValidationOutcome outcome)
    {
        console.MarkupLineInterpolated($"[bold]{outcome.File}[/]: {outcome.Rows} rows, {outcome.Columns} columns; {outcome.Errors} error(s), {outcome.Warnings} warning(s)");
        PrintFindings(console, outcome.Findings);
        if (outcome.Contract is null) return;
        console.MarkupLineInterpolated($"contract {outcome.Contract}: {outcome.Violations.Count} violation(s)");
        if (outcome.Violations.Count == 0) return;
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "severity", "rule", "column", "row", "value", "expected" }) table.AddColumn(h);
        foreach (var v in outcome.Violations.Take(200))
            table.AddRow(Markup.Escape(Lower(v.Severity)), Markup.Escape(v.Rule), Markup.Escape(v.Column ?? ""), v.Row?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                Markup.Escape(v.Value ?? ""), Markup.Escape(v.Message));
        console.Write(table);
        if (outcome.Violations.Count > 200) console.MarkupLineInterpolated($"... and {outcome.Violations.Count - 200} more (--json lists them all)");
    }

    /// <summary>Prints findings one per block: severity, check, message, rows and fix.</summary>
    public static void PrintFindings(IAnsiConsole console, IEnumerable<Finding> findings)
    {
        foreach (var f in findings.OrderByDescending(f => f.Severity))
        {
            var colour = f.Severity switch { Severity.Error => "red", Severity.Warning => "yellow", _ => "grey" };
            console.MarkupLine($"[{colour}]{Lower(f.Severity)}[/] [bold]{Markup.Escape(f.Check)}[/]: {Markup.Escape(f.Message)}");
            if (f.Rows.Count > 0)
                console.MarkupLineInterpolated($"    rows: {string.Join(", ", f.Rows.Take(20))}{(f.RowCount > 20 ? $" ... ({f.RowCount} in all)" : "")}");
            if (f.Fix is { } fix) console.MarkupLineInterpolated($"    fix: {fix}");
        }
    }

    private static string Lower(Severity s) => s.ToString().ToLowerInvariant();
}
