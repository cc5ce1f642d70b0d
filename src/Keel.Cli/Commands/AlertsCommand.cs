using System.CommandLine;
using Keel.Cli.Output;
using Keel.Core.Alerts;
using Keel.Monitoring.Alerts;
using Keel.Pipeline.Alerts;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel alerts list | check`: the alert history, and alert rules evaluated over a window's figures (for cron and CI).</summary>
internal static class AlertsCommand
{
    public static Command Build(CommandOptions o)
    {
        var alerts = new Command("alerts", "Alert history and alert rules (the monitor section of a spec or deployment file)");
        alerts.Subcommands.Add(List(o));
        alerts.Subcommands.Add(Check(o));
        return alerts;
    }

    private static Command List(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var scope = new Option<string?>("--scope") { Description = "Only alerts with exactly this scope (a model reference or deployment name)" };
        var model = new Option<string?>("--model") { Description = "Only alerts about this registered model: scope NAME, NAME@ALIAS or NAME:VERSION" };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List fired alerts, newest first") { json, scope, model, limit };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            var alerts = await store.Alerts.ListAsync(new AlertQuery { Scope = result.GetValue(scope), Model = result.GetValue(model), Limit = result.GetValue(limit) }, ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { alerts });
                return KeelApp.ExitOk;
            }
            if (alerts.Count == 0)
            {
                o.Context.Console.MarkupLine("no alerts");
                return KeelApp.ExitOk;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in new[] { "id", "time", "scope", "rule", "value", "window", "delivered" }) table.AddColumn(h);
            foreach (var a in alerts)
                table.AddRow(a.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Time(a.At), Markup.Escape(a.Scope), Markup.Escape(a.Rule),
                    a.Value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(a.Window), Markup.Escape(a.Delivered));
            o.Context.Console.Write(table);
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command Check(CommandOptions o)
    {
        var file = new Argument<string>("file") { Description = "Spec or deployment file whose monitor section holds the rules" };
        var figures = new Option<string>("--figures") { Description = "JSON object of figure name → number for one window, or a keel monitor --json result (its last window, or the one --window names)", Required = true };
        var scope = new Option<string>("--scope") { Description = "What was monitored (a model reference or deployment name)", Required = true };
        var window = new Option<string>("--window") { Description = "The window's key, for de-duplication (default: none; a monitor result's window label)", DefaultValueFactory = _ => "" };
        var json = CommandOptions.JsonOption();
        var command = new Command("check", "Evaluate the alert rules over one window's figures; exit 4 when an alert fired") { file, figures, scope, window, json };
        command.SetAction(async (result, ct) =>
        {
            var c = o.Context;
            var settings = AlertSettingsReader.ReadFile(c.Resolve(result.GetValue(file)!));
            var (values, key) = AlertCheck.ReadFigures(c.Resolve(result.GetValue(figures)!), result.GetValue(window)!);
            await using var store = await o.OpenForWritingAsync(result, ct);
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan }; // each attempt has its own timeout
            var engine = AlertCheck.CreateEngine(store, settings, c.Time, c.Error, http);
            var outcomes = await engine.EvaluateAsync(settings, result.GetValue(scope)!, key, values, ct);
            if (result.GetValue(json))
                Json.Write(c.Out, new { outcomes = outcomes.Select(x => new { rule = x.Rule.Text, value = x.Value, status = x.Status.ToString().ToLowerInvariant(), detail = x.Detail }) });
            else
            {
                foreach (var x in outcomes.Where(x => x.Status != AlertStatus.Fired))
                    c.Console.MarkupLineInterpolated($"held, not sent ({x.Status.ToString().ToLowerInvariant()}): {x.Rule.Text} (value {Keel.Monitoring.Alerts.AlertNotice.FormatValue(x.Value)}); {x.Detail}");
                c.Console.MarkupLineInterpolated($"{settings.Rules.Count} rule(s), {outcomes.Count(x => x.Status == AlertStatus.Fired)} alert(s) fired");
            }
            return outcomes.Any(x => x.Status == AlertStatus.Fired) ? KeelApp.ExitAlerts : KeelApp.ExitOk;
        });
        return command;
    }
}
