using System.CommandLine;
using Keel.Cli.Output;
using Keel.Pipeline.Evaluate;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel analyze RUN --tags FILE`: error analysis by tags of a run's model on its test split, as a prioritisation table.</summary>
internal static class AnalyzeCommand
{
    public static Command Build(CommandOptions o)
    {
        var run = new Argument<string>("run") { Description = "A run id, or a registered model as NAME@ALIAS, NAME:VERSION or NAME" };
        var tags = new Option<string?>("--tags")
        {
            Description = "YAML file: 'tags:' and a list of slice: COLUMN, column: COLUMN or rules 'CONDITION -> NAME' (default: the spec's evaluation.tags, else a slice per input column)",
        };
        var json = CommandOptions.JsonOption();
        var command = new Command("analyze", "Error analysis by tags: share of errors, error rate, share of data and room for improvement per tag, prioritised")
        {
            run, tags, json,
        };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var outcome = await new TagErrorAnalysis(store).ExecuteAsync(result.GetValue(run)!, result.GetValue(tags) is { } file ? o.Context.Resolve(file) : null, ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, outcome);
                return KeelApp.ExitOk;
            }
            var c = o.Context.Console;
            c.MarkupLineInterpolated($"[bold]Error analysis[/] of {outcome.Model} (run {outcome.RunId}) on {outcome.Rows} test rows, highest priority first");
            var table = new Table().Border(TableBorder.Simple);
            foreach (var h in new[] { "tag", "rows", "share of data", "share of errors", "error rate", "reference", "room", "weight", "priority" })
                table.AddColumn(h == "tag" ? new TableColumn(h) : new TableColumn(h).RightAligned());
            foreach (var t in outcome.Tags)
            {
                table.AddRow(Markup.Escape(t.Tag), t.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Number(t.ShareOfData), Format.Number(t.ShareOfErrors),
                    Format.Number(t.ErrorRate), Markup.Escape($"{Format.Number(t.Reference)} ({t.ReferenceSource})"), Format.Number(t.Room),
                    Format.Number(t.Ease * t.Importance), Format.Number(t.Priority, "0.####"));
            }
            c.Write(table);
            c.MarkupLine("room = error rate − reference; priority = room × share of data × ease × importance");
            return KeelApp.ExitOk;
        });
        return command;
    }
}
