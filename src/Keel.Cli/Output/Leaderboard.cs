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
        var ordered = o.Candidates
            .OrderBy(c => c.ValidationMetrics.TryGetValue(o.SelectionMetric, out var v) && double.IsFinite(v) ? (metric.HigherIsBetter ? -v : v) : double.MaxValue);
        foreach (var c in ordered)
        {
            var cells = new List<string>
            {
                c.Name == o.Selected ? "[green]>[/]" : "",
                Markup.Escape(c.Name) + (c.Baseline ? "*" : ""),
                Format.Metric(c.ValidationMetrics.GetValueOrDefault(o.SelectionMetric, double.NaN)),
            };
            cells.AddRange(testKeys.Select(k => Format.Metric(c.TestMetrics.GetValueOrDefault(k, double.NaN))));
            cells.Add(Format.Number(c.TrainSeconds, "0.00"));
            cells.Add(Format.Number(c.PredictUsPerRow, "0.0"));
            cells.Add(Format.Bytes(c.ModelBytes));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        console.MarkupLine("[grey]> selected on validation   * baseline[/]");
        var final = o.Final;
        console.MarkupLineInterpolated($"Selected [bold]{o.Selected}[/]{(final.Refit ? $", refitted on train + validation ({final.TrainRows} rows)" : "")}: test {o.SelectionMetric} {Format.Metric(final.TestMetrics.GetValueOrDefault(o.SelectionMetric, double.NaN))}");
        foreach (var g in o.Gates)
            console.MarkupLineInterpolated($"  gate {g.Gate}: {(g.Passed ? "passed" : "FAILED")} ({g.Detail})");
        if (o.Registered is { } r)
            console.MarkupLineInterpolated($"Registered [bold]{r.Name}[/] version {r.Version}{(r.Alias is null ? "" : $" as {r.Alias}")}");
        else
            console.MarkupLineInterpolated($"[yellow]Not registered[/]: {o.NotRegisteredReason}");
        console.MarkupLineInterpolated($"Run {o.RunId}");
        console.MarkupLineInterpolated($"Report {o.ReportPath}");
    }
}
