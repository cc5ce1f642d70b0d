using System.CommandLine;
using System.Globalization;
using Keel.Cli.Output;
using Keel.Core.Deployments;
using Keel.Tracking.PredictionLog;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>`keel review list | label`: the human-in-the-loop queue; a label becomes feedback for the request.</summary>
internal static class ReviewCommand
{
    public static Command Build(CommandOptions o)
    {
        var review = new Command("review", "Answers queued for a person (under the review threshold, or every answer in shadow and assist modes)");
        review.Subcommands.Add(List(o));
        review.Subcommands.Add(Label(o));
        return review;
    }

    private static Command List(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var deployment = new Option<string?>("--deployment") { Description = "Only this deployment's queue" };
        var all = new Option<bool>("--all") { Description = "Include labelled items" };
        var limit = new Option<int>("--limit") { Description = "At most this many items, oldest first", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "List queued answers, oldest first") { deployment, all, limit, json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForReadingAsync(result, ct);
            if (result.GetValue(deployment) is { } name) await DeploymentsCommand.RequireAsync(store.Deployments, name, ct);
            var items = await store.Deployments.ListReviewsAsync(result.GetValue(deployment), result.GetValue(all), result.GetValue(limit), ct);
            var total = items.Count < result.GetValue(limit) ? items.Count : await store.Deployments.CountReviewsAsync(result.GetValue(deployment), result.GetValue(all), ct);
            if (result.GetValue(json))
            {
                Json.Write(o.Context.Out, new { items, total });
                return KeelApp.ExitOk;
            }
            if (items.Count == 0)
            {
                o.Context.Console.MarkupLine("Nothing to review.");
                return KeelApp.ExitOk;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in new[] { "id", "deployment", "request", "queued", "confidence", "answer", "input", "label" }) table.AddColumn(h);
            foreach (var i in items)
                table.AddRow(i.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(i.Deployment), Markup.Escape(i.RequestId), Format.Time(i.QueuedAt),
                    Format.Metric(i.Confidence), Markup.Escape(i.OutputJson), Markup.Escape(i.InputJson), Markup.Escape(i.Label is null ? "—" : $"{i.Label} ({i.LabelledBy})"));
            o.Context.Console.Write(table);
            if (total > items.Count)
                o.Context.Console.MarkupLineInterpolated($"The {items.Count:N0} oldest of {total:N0} {(result.GetValue(all) ? "items" : "waiting")}; --limit N shows more.");
            return KeelApp.ExitOk;
        });
        return command;
    }

    private static Command Label(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var id = new Argument<long>("id") { Description = "Review item id (from keel review list)" };
        var label = new Argument<string>("label") { Description = "The true outcome, e.g. bad" };
        var command = new Command("label", "Label a queued answer; the label is recorded as feedback for its request") { id, label, json };
        command.SetAction(async (result, ct) =>
        {
            await using var store = await o.OpenForWritingAsync(result, ct);
            var feedback = await store.Deployments.LabelReviewAsync(result.GetValue(id), result.GetValue(label)!, DeploymentsCommand.Actor(o), ct);
            // As the server does: the request's outcomes (every labelled row so far) go to the prediction log, where monitoring joins them.
            await using var log = await PredictionLogStores.OpenIfExistsAsync(store, ct);
            var logged = log is null ? null : await ReviewFeedback.LogAsync(store.Deployments, log, feedback.RequestId, feedback.At, ct);
            if (result.GetValue(json)) Json.Write(o.Context.Out, new { feedback.RequestId, feedback.Outcome, feedback.At, feedback.Source, feedback.Actor, logged_outcome = logged });
            else
            {
                o.Context.Console.MarkupLineInterpolated($"review item {result.GetValue(id)}: labelled '{feedback.Outcome}'; recorded as feedback for request {feedback.RequestId}");
                if (logged is null)
                    o.Context.Console.MarkupLineInterpolated($"  not in the prediction log ({(log is null ? "there is none" : "the item was queued before Keel kept its row")}): monitoring will not see it");
            }
            return KeelApp.ExitOk;
        });
        return command;
    }
}
