using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.PredictionLog;
using Keel.Serving.Requests;
using Keel.Serving.Rollouts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Serving.Hosting;

/// <summary>
/// POST /feedback {"request_id": "...", "outcome": "bad" | 1.5 | ["bad", null, "good"]}: the true outcome (one per row of the request), stored
/// durably before the answer. With a deployment it also
/// reaches the rollout policy (A/B outcomes, bandit rewards) through the arm that answered the request, and the deployment's feedback record.
/// </summary>
internal static class FeedbackEndpoint
{
    public static async Task HandleAsync(HttpContext ctx, BearerAuth auth, DeploymentRuntime? deployment)
    {
        var actor = await auth.AuthorizeAsync(ctx, TokenRole.Write);
        var store = ctx.RequestServices.GetService<IPredictionLogStore>();
        if (store is null && deployment is null)
            throw new RequestException(409, "LOG_DISABLED", "feedback needs the prediction log, which this server runs without.");
        if (ctx.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new RequestException(415, "UNSUPPORTED_MEDIA_TYPE", $"Content-Type '{ctx.Request.ContentType ?? "(none)"}' is not accepted; expected application/json.");
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(ctx.Request.Body, new JsonDocumentOptions { MaxDepth = 8 }, ctx.RequestAborted);
        }
        catch (JsonException e)
        {
            throw RequestException.Bad($"the request body is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("request_id", out var id) || id.ValueKind != JsonValueKind.String
                || id.GetString() is not { Length: > 0 and <= 64 } requestId)
                throw RequestException.Bad("expected {\"request_id\": \"...\" (the Keel-Request-Id of the answer), \"outcome\": the true label or value}.");
            if (!root.TryGetProperty("outcome", out var outcome) || !(IsValue(outcome)
                    || (outcome.ValueKind == JsonValueKind.Array && outcome.GetArrayLength() > 0 && outcome.EnumerateArray().All(o => IsValue(o) || o.ValueKind == JsonValueKind.Null))))
                throw RequestException.Bad("outcome: expected the true label (a string), value (a number) or a boolean; for a request of several rows an array of one per row (null for a row without one).");
            var values = outcome.ValueKind == JsonValueKind.Array ? outcome.EnumerateArray().ToArray() : [outcome];
            var time = ctx.RequestServices.GetRequiredService<TimeProvider>();
            var at = time.GetUtcNow();
            var logged = store is not null ? await store.GetAsync(requestId, ctx.RequestAborted) : null;
            // A token scoped to models gives feedback on their requests: the logged request's model, or before it is logged every model
            // this server answers with.
            BearerAuth.RequireModels(ctx, logged is not null ? [logged.Prediction.Model]
                : deployment?.Models ?? ctx.RequestServices.GetService<Keel.Serving.Models.IModelCatalog>()?.Names ?? []);
            if (logged is not null && logged.Prediction.Rows != values.Length)
                throw RequestException.Bad($"outcome: request '{requestId}' predicted {logged.Prediction.Rows} row(s), so its feedback needs {logged.Prediction.Rows} outcome(s) "
                    + $"({(logged.Prediction.Rows == 1 ? "one value" : "an array, null for a row without one")}); got {values.Length}.");
            Arm? arm = null;
            if (deployment is not null)
            {
                for (var row = 0; row < values.Length; row++)
                {
                    if (IsValue(values[row])) arm = Observe(deployment, requestId, Text(values[row]), logged, row);
                }
                var text = outcome.ValueKind == JsonValueKind.Array ? outcome.GetRawText() : Text(outcome);
                await deployment.Store.AddFeedbackAsync(new Feedback(requestId, text, at, "api", actor), ctx.RequestAborted);
            }
            if (store is not null) await store.AddFeedbackAsync(new FeedbackRecord(requestId, outcome.GetRawText(), at), ctx.RequestAborted);
            await Results.Json(new
            {
                request_id = requestId,
                stored = true,
                prediction_logged = logged is not null,
                arm = arm is { } a ? ScoringEndpoint.DeploymentText(a) : null,
            }).ExecuteAsync(ctx);
        }
    }

    /// <summary>The label of each logged answer row (<c>[{"label": ..., "probabilities": ...}, ...]</c>); null when an answer has none.</summary>
    internal static string[]? LoggedLabels(string outputsJson)
    {
        using var doc = JsonDocument.Parse(outputsJson);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) return null;
        var labels = new List<string>();
        foreach (var answer in doc.RootElement.EnumerateArray())
        {
            if (Keel.Monitoring.Performance.LoggedAnswer.Label(answer) is not { } label) return null;
            labels.Add(label);
        }
        return [.. labels];
    }

    internal static bool IsValue(JsonElement e) => e.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    internal static string Text(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    /// <summary>
    /// Gives the outcome of the request's row <paramref name="row"/> to the policy when the arm that answered is known (remembered, or in
    /// the log), with the label it answered there when outcomes are judged by whether the answer was right; returns that arm, or null when
    /// the outcome was credited to none. An outcome of a challenger version since replaced (its alias moved) is evidence about that
    /// version, not this one: it reaches no policy. A numeric A/B outcome that is not a number is the caller's error (400), before anything
    /// is stored.
    /// </summary>
    public static Arm? Observe(DeploymentRuntime deployment, string requestId, string outcome, LoggedPrediction? logged, int row)
    {
        Arm? arm;
        int? version = null;
        IReadOnlyList<string>? labels = null;
        if (deployment.TryAnswerOf(requestId, out var remembered, out var rememberedVersion, out var rememberedLabels))
            (arm, version, labels) = (remembered, rememberedVersion, rememberedLabels);
        else
        {
            arm = logged?.Prediction.Arm switch
            {
                ScoringEndpoint.ChallengerArm => Arm.Challenger,
                "champion" => Arm.Champion,
                _ => null,
            };
            version = logged?.Prediction.Version;
            if (arm is not null && deployment.File.Strategy.Outcome == OutcomeKind.Correct) labels = LoggedLabels(logged!.Prediction.OutputsJson);
        }
        if (arm == Arm.Challenger && version != deployment.Challenger?.Version.Version) return null;
        if (arm is { } a)
        {
            try
            {
                var answered = labels is not null && row < labels.Count ? labels[row] : null;
                if (deployment.Policy.ObserveFeedback(new ArmFeedback(a, outcome, answered)) is { } change) deployment.Record(change);
            }
            catch (Keel.Core.KeelInputException e)
            {
                throw RequestException.Bad($"outcome: {e.Message}");
            }
        }
        return arm;
    }
}
