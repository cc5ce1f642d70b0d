using Keel.Cli.Pipeline;
using Keel.Core.Metrics;
using Spectre.Console;

namespace Keel.Cli.Output;

/// <summary>The console leaderboard printed after a run: candidates by validation metric, best first.</summary>
internal static class Leaderboard
{
    public static void Print(IAnsiConsole console, RunOutcome o)
    {
        var metric = MetricCatalog.Get(o.SelectionMetric);
        var testKeys = o.Task switch
        {
            "binary" => new[] { "auc", "accuracy", "log_loss" },
            "multiclass" => ["macro_f1", "accuracy", "log_loss"],
            _ => ["rmse", "mae", "r2"],
        };
        var table = new Table().Border(TableBorder.Rounded).Title($"Leaderboard — chosen by validation {o.SelectionMetric} ({(metric.HigherIsBetter ? "higher" : "lower")} is better)");
        // Compact columns: the table must stay readable in an 80-column terminal or a CI log.
        table.AddColumn(new TableColumn("").NoWrap());
        table.AddColumn(new TableColumn("model").NoWrap());
        table.AddColumn(new TableColumn($"val {o.SelectionMetric}").RightAligned().NoWrap());
        foreach (var k in testKeys) table.AddColumn(new TableColumn($"test {k}").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("train s").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("µs/row").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("size").RightAligned().NoWrap());
        var ordered = o.Candidates
            .OrderBy(c => c.ValidationMetrics.TryGetValue(o.SelectionMetric, out var v) && double.IsFinite(v) ? (metric.HigherIsBetter ? -v : v) : double.MaxValue);
        foreach (var c in ordered)
        {
            var cells = new List<string>
            {
                c.Name == o.Selected ? "[green]★[/]" : "",
                Markup.Escape(c.Name) + (c.Name == c.Type ? "" : $" ({Markup.Escape(c.Type)})") + (c.Baseline ? "*" : ""),
                Format.Metric(c.ValidationMetrics.GetValueOrDefault(o.SelectionMetric, double.NaN)),
            };
            cells.AddRange(testKeys.Select(k => Format.Metric(c.TestMetrics.GetValueOrDefault(k, double.NaN))));
            cells.Add(Format.Number(c.TrainSeconds, "0.00"));
            cells.Add(Format.Number(c.PredictUsPerRow, "0.0"));
            cells.Add(Format.Bytes(c.ModelBytes));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        console.MarkupLine("[grey]* baseline; ★ selected on validation; test columns are each candidate trained on the train split[/]");
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
