using System.Globalization;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Deployments;
using Keel.Core.PredictionLog;
using Keel.Serving.Requests;
using Keel.Serving.Rollouts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Serving.Hosting;

/// <summary>
/// /admin: the served deployment's state and report, start, promote, rollback, mode, and its review queue. Every call passes <see cref="BearerAuth"/>;
/// changes go through the policy (so the server routes by them at once) and are recorded in the store with the token's name as actor.
/// </summary>
internal static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app, BearerAuth auth, DeploymentRuntime? deployment)
    {
        app.MapGet("/admin/deployments/{name}", async (HttpContext c, string name) =>
        {
            await auth.AuthorizeAsync(c, TokenRole.Read);
            return State(Require(c, deployment, name));
        });
        app.MapPost("/admin/deployments/{name}/start", async (HttpContext c, string name) =>
        {
            var actor = await auth.AuthorizeAsync(c, TokenRole.Admin);
            var d = Require(c, deployment, name);
            var body = await BodyAsync(c);
            // A new attempt rolls out what the challenger's alias names now (it may have moved since the rollback).
            await d.FollowChallengerAsync(c.RequestAborted);
            if (d.Challenger is null) throw new RequestException(409, "INVALID_STATE", $"deployment '{name}' has no challenger to roll out.");
            RolloutChange start;
            try
            {
                start = d.Policy.Start(Actor(actor));
            }
            catch (KeelInputException e)
            {
                throw new RequestException(409, "INVALID_STATE", e.Message + ".");
            }
            d.Record(Text(body, "reason") is { } reason ? start with { Reason = reason } : start);
            return State(d);
        });
        app.MapPost("/admin/deployments/{name}/promote", async (HttpContext c, string name) =>
        {
            var actor = await auth.AuthorizeAsync(c, TokenRole.Admin);
            var d = Require(c, deployment, name);
            var body = await BodyAsync(c);
            if (d.Challenger is null) throw new RequestException(409, "INVALID_STATE", $"deployment '{name}' has no challenger to promote.");
            if (d.Policy.State.Phase == RolloutPhase.Promoted) throw new RequestException(409, "INVALID_STATE", $"deployment '{name}' is already promoted.");
            d.Record(d.Policy.Promote(Actor(actor), Text(body, "reason")));
            return State(d);
        });
        app.MapPost("/admin/deployments/{name}/rollback", async (HttpContext c, string name) =>
        {
            var actor = await auth.AuthorizeAsync(c, TokenRole.Admin);
            var d = Require(c, deployment, name);
            var body = await BodyAsync(c);
            if (d.Policy.State.Phase == RolloutPhase.RolledBack) throw new RequestException(409, "INVALID_STATE", $"deployment '{name}' is already rolled back.");
            d.Record(d.Policy.Rollback(Actor(actor), Text(body, "reason") ?? "manual rollback"));
            return State(d);
        });
        app.MapPost("/admin/deployments/{name}/mode", async (HttpContext c, string name) =>
        {
            var actor = await auth.AuthorizeAsync(c, TokenRole.Admin);
            var d = Require(c, deployment, name);
            var body = await BodyAsync(c);
            var text = Text(body, "mode") ?? throw RequestException.Bad("expected {\"mode\": \"shadow\" | \"assist\" | \"partial\" | \"full\", \"reason\": \"...\"}.");
            if (!Enum.GetNames<DeploymentMode>().Contains(text, StringComparer.OrdinalIgnoreCase) || !Enum.TryParse<DeploymentMode>(text, true, out var mode))
                throw RequestException.Bad($"mode '{text}': expected shadow, assist, partial or full.");
            d.Record(d.Policy.ChangeMode(mode, Actor(actor), Text(body, "reason")));
            return State(d);
        });
        app.MapGet("/admin/deployments/{name}/reviews", async (HttpContext c, string name) =>
        {
            await auth.AuthorizeAsync(c, TokenRole.Read);
            var d = Require(c, deployment, name);
            var all = c.Request.Query["all"].FirstOrDefault() is "true" or "1";
            var limit = c.Request.Query["limit"].FirstOrDefault() is { } l
                ? int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw RequestException.Bad($"limit '{l}': expected a positive whole number.")
                : 50;
            var items = await d.Store.ListReviewsAsync(d.File.Endpoint, all, limit, c.RequestAborted);
            var total = items.Count < limit ? items.Count : await d.Store.CountReviewsAsync(d.File.Endpoint, all, c.RequestAborted);
            return Results.Json(new { items, total }, JsonOptions);
        });
        app.MapPost("/admin/reviews/{id}/label", async (HttpContext c, string id) =>
        {
            var actor = await auth.AuthorizeAsync(c, TokenRole.Write);
            var d = deployment ?? throw NoDeployment();
            BearerAuth.RequireModels(c, d.Models);
            if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var itemId)) throw RequestException.Bad($"review item '{id}': expected a whole number.");
            var label = Text(await BodyAsync(c), "label") ?? throw RequestException.Bad("expected {\"label\": \"the true outcome\"}.");
            var item = await d.Store.GetReviewAsync(itemId, c.RequestAborted)
                ?? throw new RequestException(404, "RESOURCE_DOES_NOT_EXIST", $"review item {itemId} does not exist");
            try
            {
                item.CheckLabel(label);
            }
            catch (KeelInputException e)
            {
                throw RequestException.Bad(e.Message);
            }
            Feedback feedback;
            try
            {
                feedback = await d.Store.LabelReviewAsync(itemId, label, Actor(actor), c.RequestAborted);
            }
            catch (KeelNotFoundException e)
            {
                throw new RequestException(404, "RESOURCE_DOES_NOT_EXIST", e.Message);
            }
            catch (KeelInputException e)
            {
                throw new RequestException(409, "INVALID_STATE", e.Message);
            }
            // The label is feedback like POST /feedback: it reaches the policy and the prediction log too.
            var log = c.RequestServices.GetService<IPredictionLogStore>();
            var logged = log is null ? null : await log.GetAsync(feedback.RequestId, c.RequestAborted);
            FeedbackEndpoint.Observe(d, feedback.RequestId, feedback.Outcome, logged, item.Row ?? 0);
            // One outcome per row of the request: the labels of its reviewed rows so far, null for the rest.
            if (log is not null) await ReviewFeedback.LogAsync(d.Store, log, feedback.RequestId, feedback.At, c.RequestAborted);
            return Results.Json(feedback, JsonOptions);
        });
    }

    private static string Actor(string who) => $"{who} (admin api)";

    private static IResult State(DeploymentRuntime d)
    {
        var s = d.Policy.State;
        var champion = d.File.Champion;
        return Results.Json(new
        {
            name = d.File.Endpoint,
            strategy = DeploymentFileReader.Name(d.File.Strategy.Kind),
            champion = champion.ToString(),
            challenger = d.File.Challenger?.ToString(),
            challenger_version = d.Challenger?.Version.Version,
            phase = ScoringEndpoint.DeploymentText(s.Phase),
            mode = ScoringEndpoint.DeploymentText(s.Mode),
            challenger_percent = s.ChallengerPercent,
            step = s.Step,
            report = d.Report(),
        }, JsonOptions);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The served deployment when <paramref name="name"/> names it and the caller's token covers its models (403 otherwise).</summary>
    private static DeploymentRuntime Require(HttpContext c, DeploymentRuntime? d, string name)
    {
        if (d is null) throw NoDeployment();
        if (name != d.File.Endpoint) throw new RequestException(404, "RESOURCE_DOES_NOT_EXIST", $"no deployment '{name}' here; this server serves '{d.File.Endpoint}'.");
        BearerAuth.RequireModels(c, d.Models);
        return d;
    }

    private static RequestException NoDeployment() =>
        new(404, "RESOURCE_DOES_NOT_EXIST", "this server serves no deployment; start it with --deployment FILE.");

    /// <summary>The JSON object body, or an empty object when there is none.</summary>
    private static async Task<JsonElement> BodyAsync(HttpContext c)
    {
        if (c.Request.ContentLength == 0 || (c.Request.ContentLength is null && !c.Request.Headers.ContainsKey("Transfer-Encoding")))
            return JsonDocument.Parse("{}").RootElement.Clone();
        try
        {
            using var doc = await JsonDocument.ParseAsync(c.Request.Body, new JsonDocumentOptions { MaxDepth = 4 }, c.RequestAborted);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : throw RequestException.Bad("expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw RequestException.Bad($"the request body is not valid JSON: {e.Message}");
        }
    }

    private static string? Text(JsonElement body, string field) =>
        body.TryGetProperty(field, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString()
            : throw RequestException.Bad($"field '{field}': expected a string, got {MlflowRequest.Kind(v.ValueKind)}.") : null;
}
