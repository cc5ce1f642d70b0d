using System.CommandLine;
using System.Globalization;
using Keel.Cli.Output;
using Keel.Core;
using Keel.Monitoring.Drift;
using Keel.Pipeline.Monitor;
using Keel.Tracking;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel monitor`: drift of current data against a model's stored reference or a reference file, window by window.</summary>
internal static class MonitorCommand
{
    public static Command Build(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var model = new Option<string?>("--model") { Description = "Use this model's stored reference (NAME@ALIAS, NAME:VERSION or NAME) and score its outputs" };
        var reference = new Option<string?>("--reference") { Description = "Reference table file (CSV, JSON Lines or Parquet), compared as a second table" };
        var deployment = new Option<string?>("--deployment") { Description = "Current data from this deployment's prediction log" };
        var data = new Option<string?>("--data") { Description = "Current data file" };
        var window = new Option<string?>("--window") { Description = "Window: 12h, 1d, 7d, 1w, 1mo, or a number of rows (default: one window)" };
        var timeColumn = new Option<string?>("--time-column") { Description = "Date-time column of the data (and reference) files" };
        var period = new Option<string?>("--reference-period") { Description = "Seasonal reference (with --reference): same-weekday, or FROM..TO dates" };
        var threshold = new Option<string[]>("--threshold")
        {
            Description = "Per-column rule COLUMN=STAT:VALUE, e.g. distance=psi:0.2 (stats: ks, ks_p, wasserstein, wasserstein_norm, psi, js, js_p, chi2_p, unseen_rate, missing_rate, out_of_range_rate)",
            AllowMultipleArgumentsPerToken = false,
        };
        var small = new Option<int>("--small-window") { Description = "Below this many values a column is judged by a p-value test, above by a distance", DefaultValueFactory = _ => 1000 };
        var report = new Option<string?>("--report") { Description = "Write a self-contained HTML report here" };
        var spec = new Option<string?>("--spec") { Description = "Spec or deployment file whose monitor section holds alert rules (default: the deployment's stored file with --deployment)" };
        var labels = new Option<string?>("--labels") { Description = "Labels file joined to --data by --key, for performance per window (auc, accuracy, rmse, …)" };
        var key = new Option<string?>("--key") { Description = "Key column present in both --data and --labels" };
        var label = new Option<string?>("--label") { Description = "Label column of --labels (default: the model's label)" };
        var arm = new Option<string?>("--arm") { Description = "With --deployment: only the requests this arm answered, champion or challenger (its shadow copies included; the challenger's model is then the reference)" };
        var from = new Option<string?>("--from") { Description = "With --deployment: read requests from this time on, e.g. 2026-11-20 or 2026-11-20T06:00Z (UTC unless an offset is named)" };
        var to = new Option<string?>("--to") { Description = "With --deployment: read requests before this time" };
        var noStore = new Option<bool>("--no-store") { Description = "Do not keep the results with the model version" };
        var text = CommandOptions.TextFileOptions();
        var command = new Command("monitor", "Compare current data with a reference, window by window: drift per column, output drift, schema changes, serving figures")
        {
            model, reference, deployment, arm, data, from, to, window, timeColumn, period, threshold, small, spec, labels, key, label, text.Encoding, text.Delimiter, text.Decimal, report, noStore, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var reading = CommandOptions.TextFileValues(result, text);
            if (result.GetValue(small) is var smallRows and < 0)
                throw new Keel.Core.KeelInputException($"--small-window {smallRows}: expected 0 or more values (0 judges every window by its distance rule)");
            var request = new MonitorRequest
            {
                Text = reading,
                Model = result.GetValue(model),
                ReferencePath = result.GetValue(reference) is { } r ? o.Context.Resolve(r) : null,
                Deployment = result.GetValue(deployment),
                Arm = result.GetValue(arm),
                DataPath = result.GetValue(data) is { } d ? o.Context.Resolve(d) : null,
                Window = result.GetValue(window),
                TimeColumn = result.GetValue(timeColumn),
                ReferencePeriod = result.GetValue(period),
                Drift = new DriftOptions { SmallWindowRows = result.GetValue(small), Overrides = ParseRules(result.GetValue(threshold) ?? []) },
                Store = !result.GetValue(noStore),
                AlertsPath = result.GetValue(spec) is { } s ? o.Context.Resolve(s) : null,
                LabelsPath = result.GetValue(labels) is { } l ? o.Context.Resolve(l) : null,
                LabelsKey = result.GetValue(key),
                LabelColumn = result.GetValue(label),
                From = Time(result.GetValue(from), "--from"),
                To = Time(result.GetValue(to), "--to"),
            };
            var reportPath = o.ReportPath(result, report);
            var needsStore = request.Model is not null || request.Deployment is not null || request.AlertsPath is not null;
            await using var store = needsStore ? await o.OpenForWritingAsync(result, ct) : null;
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan }; // each webhook attempt has its own timeout
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var progress = new LineProgress(n => o.Context.Error.WriteLine($"  {n:N0} logged requests read ({watch.Elapsed.TotalSeconds:F1} s)"));
            var outcome = await new MonitorUseCase(store, o.Context.Time, new MonitorAlerting(o.Context.Error, http), result.GetValue(json) ? null : progress).RunAsync(request, ct);
            var exit = outcome.Alerts.Any(a => a.Status == "fired") ? KeelApp.ExitAlerts : KeelApp.ExitOk;
            if (reportPath is not null) await MonitorReport.WriteAsync(reportPath, outcome, store, ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, outcome);
                return exit;
            }
            Print(o.Context.Console, outcome);
            return exit;
        });
        return command;
    }

    /// <summary>An ISO 8601 date or time, UTC unless it names an offset.</summary>
    internal static DateTimeOffset? Time(string? text, string option) => text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
        : throw new KeelInputException($"{option} '{text}': expected an ISO 8601 date or time, e.g. 2026-11-20 or 2026-11-20T06:00:00Z.");

    /// <summary>Parses COLUMN=STAT:VALUE rules.</summary>
    internal static Dictionary<string, ColumnRule> ParseRules(IEnumerable<string> texts)
    {
        var rules = new Dictionary<string, ColumnRule>(StringComparer.Ordinal);
        foreach (var t in texts)
        {
            var eq = t.LastIndexOf('=');
            var colon = t.LastIndexOf(':');
            if (eq <= 0 || colon < eq + 2
                || !double.TryParse(t[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                || !ColumnRule.Statistics.Contains(t[(eq + 1)..colon]))
                throw new KeelInputException($"--threshold '{t}': expected COLUMN=STAT:VALUE with STAT one of {string.Join(", ", ColumnRule.Statistics.Order())}, e.g. distance=psi:0.2.");
            rules[t[..eq]] = new ColumnRule(t[(eq + 1)..colon], value);
        }
        return rules;
    }

    private static string F(double? v) => v is { } x ? x.ToString(Math.Abs(x) is > 0 and < 1e-3 ? "0.##e+0" : "0.####", CultureInfo.InvariantCulture) : "";

    private static void Print(IAnsiConsole console, MonitorResult r)
    {
        console.MarkupLineInterpolated($"Reference: {r.Reference}");
        console.MarkupLineInterpolated($"Current:   {r.Current}");
        foreach (var n in r.Notes) console.MarkupLineInterpolated($"[yellow]note:[/] {n}");
        foreach (var w in r.Windows)
        {
            console.WriteLine();
            var drifted = w.Columns.Count(c => c.Drifted);
            console.MarkupLineInterpolated($"[bold]{w.Window}[/]  {w.Rows:N0} {(w.Rows == 1 ? "row" : "rows")}, {drifted} of {w.Columns.Count(c => c.Rule is not null)} columns drifted (drift_share {w.DriftShare:0.##})");
            var table = new Table().Border(TableBorder.Simple);
            foreach (var h in new[] { "column", "role", "missing", "ks", "ks_p", "wasserstein", "psi", "chi2_p", "js", "js_p", "unseen/oor", "rule", "drift" })
                table.AddColumn(h);
            foreach (var c in w.Columns)
            {
                table.AddRow(Markup.Escape(c.Column), c.Role, F(c.MissingRate), F(c.Ks), F(c.KsP), F(c.Wasserstein), F(c.Psi), F(c.Chi2P), F(c.Js), F(c.JsP),
                    F(c.UnseenRate ?? c.OutOfRangeRate), Markup.Escape(c.Rule ?? "—"), c.Drifted ? "[red]DRIFT[/]" : c.Rule is null ? "—" : "ok");
            }
            console.Write(table);
            foreach (var f in w.Findings) console.MarkupLineInterpolated($"  [yellow]schema {f.Kind}:[/] {f.Detail}");
            if (w.Figures.Get("requests") is { } requests)
                console.MarkupLineInterpolated($"  serving: {requests:N0} requests, error rate {F(w.Figures.Get("error_rate"))}, p50 {F(w.Figures.Get("p50_ms"))} ms, p95 {F(w.Figures.Get("p95_ms"))} ms, p99 {F(w.Figures.Get("p99_ms"))} ms");
            var performance = new[] { "labelled_rows", "auc", "accuracy", "rmse", "estimated_auc", "estimated_accuracy" }
                .Where(n => w.Figures.Get(n) is not null).Select(n => $"{n} {F(w.Figures.Get(n))}").ToArray();
            if (performance.Length > 0) console.MarkupLineInterpolated($"  performance: {string.Join(", ", performance)}");
            foreach (var a in r.Alerts.Where(a => a.Window == w.Window))
                console.MarkupLineInterpolated($"  [{(a.Status == "fired" ? "red" : "yellow")}]alert {a.Status}:[/] {a.Rule} (value {Keel.Monitoring.Alerts.AlertNotice.FormatValue(a.Value)}); {a.Detail}");
        }
    }
}
