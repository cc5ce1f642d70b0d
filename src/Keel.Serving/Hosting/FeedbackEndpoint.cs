using System.Text.Json;
using Keel.Core.PredictionLog;
using Keel.Serving.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Serving.Hosting;

/// <summary>POST /feedback {"request_id": "...", "outcome": "bad" | 1.5}: the true outcome, stored durably before the answer.</summary>
internal static class FeedbackEndpoint
{
    public static async Task HandleAsync(HttpContext ctx)
    {
        var store = ctx.RequestServices.GetService<IPredictionLogStore>()
            ?? throw new RequestException(409, "LOG_DISABLED", "feedback needs the prediction log, which this server runs without.");
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
            if (!root.TryGetProperty("outcome", out var outcome) || outcome.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                throw RequestException.Bad("outcome: expected the true label (a string), value (a number) or a boolean.");
            var time = ctx.RequestServices.GetRequiredService<TimeProvider>();
            await store.AddFeedbackAsync(new FeedbackRecord(requestId, outcome.GetRawText(), time.GetUtcNow()), ctx.RequestAborted);
            var logged = await store.GetAsync(requestId, ctx.RequestAborted) is not null;
            await Results.Json(new { request_id = requestId, stored = true, prediction_logged = logged }).ExecuteAsync(ctx);
        }
    }
}
