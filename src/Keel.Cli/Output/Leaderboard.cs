using Keel.Pipeline;
using Keel.Core.Metrics;
using Spectre.Console;

namespace Keel.Cli.Output;

/// <summary>The console leaderboard printed after a run: candidates by validation metric, best first.</summary>
internal static class Leaderboard
{
    public static void Print(IAnsiConsole console, RunOutcome o)
    {
        var metric = MetricCatalog.Get(o.SelectionMetric);
        var second = o.Task == "regression" ? (o.SelectionMetric == "r2" ? "rmse" : "r2") : (o.SelectionMetric == "accuracy" ? "log_loss" : "accuracy");
        string[] testKeys = [o.SelectionMetric, second];
        var table = new Table().Border(TableBorder.Rounded).Title($"Leaderboard — chosen by validation {o.SelectionMetric} ({(metric.HigherIsBetter ? "higher" : "lower")} is better)");
        // Two-line headers and few columns: the table must fit an 80-column terminal or CI log without wrapping.
        table.AddColumn(new TableColumn(""));
        table.AddColumn(new TableColumn("\nmodel"));
        table.AddColumn(new TableColumn($"val\n{o.SelectionMetric}").RightAligned());
        foreach (var k in testKeys) table.AddColumn(new TableColumn($"test\n{k}").RightAligned());
        table.AddColumn(new TableColumn("train\ns").RightAligned());
        table.AddColumn(new TableColumn("predict\nµs/row").RightAligned());
        table.AddColumn(new TableColumn("model\nsize").RightAligned());
        // The order selection used (CandidateOrder): the row marked '>' is always the first with a defined value.
        var ordered = CandidateOrder.Rank(o.Candidates,
            c => c.ValidationMetrics.TryGetValue(o.SelectionMetric, out var v) ? v : null, metric.HigherIsBetter);
        foreach (var c in ordered)
        {
            table.AddRow(Row(c.Name == o.Selected ? "[green]>[/]" : "", Markup.Escape(c.Name) + (c.Baseline ? "*" : ""),
                c.ValidationMetrics.GetValueOrDefault(o.SelectionMetric, double.NaN), c.TestMetrics, testKeys, c.TrainSeconds, c.PredictUsPerRow, c.ModelBytes));
        }
        var final = o.Final;
        if (final.Refit)
        {
            table.AddRow(Row("", $"[bold]{Markup.Escape(FinalModel.RefitLabel)}[/]", double.NaN, final.TestMetrics, testKeys,
                final.TrainSeconds, final.PredictUsPerRow, final.ModelBytes));
        }
        console.Write(table);
        console.MarkupLine(final.Refit
            ? $"[grey]> selected on validation   * baseline   {FinalModel.RefitLabel}: {Markup.Escape(o.Selected)} trained on train + validation ({final.TrainRows} rows), the registered model[/]"
            : "[grey]> selected on validation (the registered model)   * baseline[/]");
        console.MarkupLineInterpolated($"Selected [bold]{o.Selected}[/]: registered model's test {o.SelectionMetric} {Format.Metric(final.TestMetrics.GetValueOrDefault(o.SelectionMetric, double.NaN))}");
        foreach (var g in o.Gates)
            console.MarkupLineInterpolated($"  gate {g.Gate}: {(g.Passed ? "passed" : "FAILED")} ({g.Detail})");
        if (o.Registered is { } r)
            console.MarkupLineInterpolated($"Registered [bold]{r.Name}[/] version {r.Version}{(r.Alias is null ? "" : $" as {r.Alias}")}");
        else
            console.MarkupLineInterpolated($"[yellow]Not registered[/]: {o.NotRegisteredReason}");
        console.MarkupLineInterpolated($"Run {o.RunId}");
        console.MarkupLineInterpolated($"Report {o.ReportPath}");
    }

    private static string[] Row(string mark, string name, double validation, IReadOnlyDictionary<string, double> test, string[] testKeys,
        double trainSeconds, double predictUs, long bytes) =>
    [
        mark, name, Format.Metric(validation),
        .. testKeys.Select(k => Format.Metric(test.GetValueOrDefault(k, double.NaN))),
        Format.Number(trainSeconds, "0.00"), Format.Number(predictUs, "0.0"), Format.Bytes(bytes),
    ];
}
