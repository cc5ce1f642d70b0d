using Keel.Pipeline;
using Keel.Core.Metrics;
using Spectre.Console;

namespace Keel.Cli.Output;

/// <summary>The console leaderboard printed after a run: candidates by validation metric, best first, with the bootstrap interval of
/// each row's test selection metric (from the run's evaluation step).</summary>
internal static class Leaderboard
{
    public static void Print(IAnsiConsole console, RunOutcome o)
    {
        var metric = MetricCatalog.Get(o.SelectionMetric);
        var second = o.Task == "regression" ? (o.SelectionMetric == "r2" ? "rmse" : "r2") : (o.SelectionMetric == "accuracy" ? "log_loss" : "accuracy");
        var cv = o.Selection.Mode == "cv";
        var by = cv ? $"{o.Selection.Folds}-fold cv mean" : "validation";
        var table = new Table().Border(TableBorder.Rounded).Title($"Leaderboard — chosen by {by} {o.SelectionMetric} ({(metric.HigherIsBetter ? "higher" : "lower")} is better)");
        // Two-line headers and few columns: the table must fit an 80-column terminal or CI log without wrapping.
        table.AddColumn(new TableColumn(""));
        table.AddColumn(new TableColumn("\nmodel"));
        table.AddColumn(new TableColumn($"{(cv ? "cv" : "val")}\n{o.SelectionMetric}").RightAligned());
        if (cv) table.AddColumn(new TableColumn("cv\nsd").RightAligned());
        table.AddColumn(new TableColumn($"test\n{o.SelectionMetric}").RightAligned());
        var confidence = o.Evaluations.Values.Select(e => e.Bootstrap.Confidence).FirstOrDefault(0.95);
        table.AddColumn(new TableColumn($"{Format.Number(confidence * 100, "0.#")} %\ninterval").RightAligned());
        // On a console narrower than the full table the second test metric gives way to the interval (the report has both).
        string[] testKeys = console.Profile.Width >= 96 ? [o.SelectionMetric, second] : [o.SelectionMetric];
        if (testKeys.Length > 1) table.AddColumn(new TableColumn($"test\n{second}").RightAligned());
        table.AddColumn(new TableColumn("train\ns").RightAligned());
        table.AddColumn(new TableColumn("predict\nµs/row").RightAligned());
        table.AddColumn(new TableColumn("model\nsize").RightAligned());
        // The order of the metric (CandidateOrder): '>' marks the chosen row, the first unless the noise-tie rule chose a simpler one ('=').
        var ordered = CandidateOrder.Rank(o.Candidates,
            c => c.ValidationMetrics.TryGetValue(o.SelectionMetric, out var v) ? v : null, metric.HigherIsBetter);
        foreach (var c in ordered)
        {
            var mark = c.Name == o.Selected ? "[green]>[/]" : o.Selection.WithinNoise.Contains(c.Name) ? "=" : "";
            string[] spread = cv ? [Format.Metric(c.CrossValidation?.Std.GetValueOrDefault(o.SelectionMetric, double.NaN) ?? double.NaN)] : [];
            table.AddRow(Row(mark, Markup.Escape(c.Name) + (c.Baseline ? "*" : ""),
                c.ValidationMetrics.GetValueOrDefault(o.SelectionMetric, double.NaN), spread, c.TestMetrics, Interval(o, c.Name, own: true), testKeys,
                c.TrainSeconds, c.PredictUsPerRow, c.ModelBytes));
        }
        var final = o.Final;
        if (final.Refit)
        {
            table.AddRow(Row("", $"[bold]{Markup.Escape(FinalModel.RefitLabel)}[/]", double.NaN, cv ? ["—"] : [], final.TestMetrics, Interval(o, o.Selected, own: false),
                testKeys, final.TrainSeconds, final.PredictUsPerRow, final.ModelBytes));
        }
        console.Write(table);
        console.MarkupLine(cv
            ? $"[grey]> selected by {o.Selection.Folds}-fold cv ({Markup.Escape(o.Selection.FoldKind ?? "")} folds of the {final.TrainRows} training rows; each row's figures are its fit on all of them, the chosen one is the registered model)   * baseline[/]"
            : final.Refit
            ? $"[grey]> selected on validation   * baseline   {FinalModel.RefitLabel}: {Markup.Escape(o.Selected)} trained on train + validation ({final.TrainRows} rows), the registered model[/]"
            : "[grey]> selected on validation (the registered model)   * baseline[/]");
        if (o.Selection.WithinNoise.Count > 1)
            console.MarkupLineInterpolated($"[yellow]Within noise[/] (=): {string.Join(", ", o.Selection.WithinNoise)}; best mean {o.Selection.Best}, chose {o.Selected}: {o.Selection.TieRule}");
        else if (!cv && o.Selection.TieRule is { } note)
            console.MarkupLineInterpolated($"[yellow]Note[/]: {note}");
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

    /// <summary>The interval of the selection metric of a row: a candidate's own model (<paramref name="own"/>) or the refitted final
    /// model. The selected candidate's evaluation describes the final model; its train-only intervals are kept beside them when refitted.</summary>
    private static string Interval(RunOutcome o, string name, bool own)
    {
        if (!o.Evaluations.TryGetValue(name, out var e)) return "—";
        var intervals = own && name == o.Selected && o.Final.Refit ? e.TrainOnlyIntervals : e.Intervals;
        return intervals is not null && intervals.TryGetValue(o.SelectionMetric, out var i) && double.IsFinite(i.Low)
            ? $"{Bound(i.Low)}–{Bound(i.High)}"
            : "—";
    }

    /// <summary>Three decimals without the leading zero for rates and areas (.831), fewer for large errors (rmse in thousands), so the
    /// column stays narrow enough for an 80-column console.</summary>
    private static string Bound(double v) => Math.Abs(v) < 1
        ? (v < 0 ? "-" : "") + Format.Number(Math.Abs(v), "0.000")[1..]
        : Format.Number(v, Math.Abs(v) < 10 ? "0.000" : Math.Abs(v) < 1000 ? "0.0" : "0");

    private static string[] Row(string mark, string name, double validation, string[] spread, IReadOnlyDictionary<string, double> test, string interval,
        string[] testKeys, double trainSeconds, double predictUs, long bytes) =>
    [
        mark, name, Format.Metric(validation), .. spread,
        Format.Metric(test.GetValueOrDefault(testKeys[0], double.NaN)), interval,
        .. testKeys.Skip(1).Select(k => Format.Metric(test.GetValueOrDefault(k, double.NaN))),
        Format.Number(trainSeconds, "0.00"), Format.Number(predictUs, "0.0"), Format.Bytes(bytes),
    ];
}
