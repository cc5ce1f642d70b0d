using System.CommandLine;
using Keel.Cli.Output;
using Keel.Pipeline.Evaluate;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel evaluate (RUN | NAME@ALIAS) [--data FILE]`: the whole evaluation again, on the test split or new labelled data, tracked as a run.</summary>
internal static class EvaluateCommand
{
    public static Command Build(CommandOptions o)
    {
        var target = new Argument<string>("target") { Description = "A run id, or a registered model as NAME@ALIAS, NAME:VERSION or NAME" };
        var data = new Option<string?>("--data") { Description = "Labelled data to evaluate on (default: the run's test split, read again)" };
        var report = new Option<string?>("--report") { Description = "Where to write the HTML report (default: reports/RUN_ID.html beside the store)" };
        var json = CommandOptions.JsonOption();
        var command = new Command("evaluate", "Evaluate a run's model or a registered model again (slices, fairness, calibration, significance), tracked as a run")
        {
            target, data, report, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var storeOptions = o.Store(result);
            var reportPath = o.ReportPath(result, report);
            await using var store = await o.OpenForWritingAsync(result, ct);
            string Report(string runId) => reportPath ?? Path.Combine(storeOptions.ResolveFolder(), "reports", runId + ".html");
            var request = new EvaluateRequest
            {
                Target = result.GetValue(target)!,
                DataPath = result.GetValue(data) is { } d ? o.Context.Resolve(d) : null,
            };
            var outcome = await new ModelEvaluation(store, o.Context.Time).ExecuteAsync(request, Report, ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, outcome);
                return KeelApp.ExitOk;
            }
            var c = o.Context.Console;
            c.MarkupLineInterpolated($"[bold]Evaluation {outcome.RunId}[/] of {outcome.Model} ({outcome.Candidate}, trained by run {outcome.SourceRunId})");
            c.MarkupLineInterpolated($"on {(outcome.OnTestSplit ? "the run's test split" : "new data")}: {outcome.Data}, {outcome.Rows} rows");
            if (outcome.TrainedOnRows.Count > 0)
            {
                var share = Format.Number(100.0 * outcome.TrainedOnRows.Count / outcome.Rows, "0.#");
                c.MarkupLineInterpolated($"[yellow]warning[/] {outcome.TrainedOnRows.Count} of the {outcome.Rows} rows ({share} %) repeat a row the model was trained on (e.g. rows {string.Join(", ", outcome.TrainedOnRows.Take(5))}): their figures reward memory, not generalisation.");
            }
            var sel = outcome.Evaluations[outcome.Candidate];
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumn("metric");
            table.AddColumn(new TableColumn("value").RightAligned());
            table.AddColumn(new TableColumn(Format.Number(sel.Bootstrap.Confidence * 100, "0.#") + " % interval").RightAligned());
            foreach (var (k, v) in outcome.Metrics)
            {
                var interval = sel.Intervals.TryGetValue(k, out var i) && double.IsFinite(i.Low) ? $"[{Format.Number(i.Low)}, {Format.Number(i.High)}]" : "—";
                table.AddRow(Markup.Escape(k), Format.Metric(v), Markup.Escape(interval));
            }
            c.Write(table);
            foreach (var cmp in sel.Comparisons)
                c.MarkupLineInterpolated($"  vs {cmp.Against} on {cmp.Metric}: {cmp.Verdict} ({Keel.Evaluation.Gates.P(cmp.PValue)})");
            foreach (var g in outcome.Gates)
                c.MarkupLineInterpolated($"  gate {g.Gate}: {(g.Passed ? "passed" : "FAILED")} ({g.Detail})");
            c.MarkupLineInterpolated($"Report: {outcome.ReportPath}");
            return KeelApp.ExitOk;
        });
        return command;
    }
}
