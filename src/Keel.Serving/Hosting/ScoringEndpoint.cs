using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Pipeline.Predict;
using Keel.Serving.Logging;
using Keel.Serving.Metrics;
using Keel.Serving.Models;
using Keel.Serving.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Keel.Serving.Hosting;

/// <summary>The prediction request path shared by /invocations and /v2/models/{name}/infer: route, bind, predict, answer, count, log.</summary>
internal sealed partial class ScoringEndpoint(IModelRouter router, IModelCatalog catalog, ServeOptions options, ServingMetrics metrics,
    TimeProvider time, ILogger<ScoringEndpoint> log, PredictionLogWriter? writer = null, DeploymentRuntime? deployment = null)
{
    public const string ModelHeader = "Keel-Model";
    public const string VersionHeader = "Keel-Model-Version";
    public const string ArmHeader = "Keel-Arm";
    public const string RequestIdHeader = "Keel-Request-Id";
    public const string ChallengerArm = "challenger";
    public const string ShadowArm = Keel.Core.PredictionLog.PredictionRecord.ShadowArm;

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 16 };

    /// <summary>POST /invocations (MLflow): the model from the Keel-Model header or ?model=, or the only one served.</summary>
    public Task InvocationsAsync(HttpContext ctx)
    {
        // The query string is parsed (a feature object per request) only when there is one.
        var name = ctx.Request.Headers[ModelHeader].FirstOrDefault()
            ?? (ctx.Request.QueryString.HasValue ? ctx.Request.Query["model"].FirstOrDefault() : null);
        if (deployment is not null && (name is null || name == deployment.File.Endpoint || name == deployment.ChampionName))
            return ScoreDeployedAsync(ctx, deployment, "invocations");
        if (name is null)
        {
            var names = catalog.Names;
            name = names.Count == 1 ? names[0]
                : throw RequestException.Bad($"several models are served ({string.Join(", ", names)}); name one with the {ModelHeader} header or ?model=.");
        }
        return ScoreAsync(ctx, name, "invocations");
    }

    /// <summary>POST /v2/models/{name}/infer (Open Inference Protocol v2).</summary>
    public Task InferAsync(HttpContext ctx, string name) =>
        deployment is not null && (name == deployment.File.Endpoint || name == deployment.ChampionName)
            ? ScoreDeployedAsync(ctx, deployment, "v2")
            : ScoreAsync(ctx, name, "v2");

    private static async Task WriteAnswerAsync(HttpContext ctx, string endpoint, LoadedModel model, string version, string id, Predictions predictions,
        AnswerNotes? notes = null)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter, PredictionJson.WriterOptions);
        if (endpoint == "v2") WriteOip(w, model.Name, version, id, predictions, notes);
        else
        {
            w.WriteStartObject();
            w.WritePropertyName("predictions");
            PredictionJson.WritePredictions(w, predictions, notes);
            w.WriteEndObject();
        }
    }

    private static bool SameSchema(LoadedModel a, LoadedModel b) =>
        (ReferenceEquals(a.InputSchema, b.InputSchema) || a.InputSchema.Columns.SequenceEqual(b.InputSchema.Columns))
        && a.MissingTokens.SequenceEqual(b.MissingTokens, StringComparer.Ordinal);

    /// <summary>Reads the whole body (a deployment may bind it twice, and a shadow copy binds it after the answer); whether it is CSV.</summary>
    private static async Task<(byte[] Body, bool Csv)> ReadBodyAsync(HttpContext ctx, string endpoint)
    {
        if (ctx.Request.ContentLength == 0) throw RequestException.Bad("the request body is empty; send the rows to predict.");
        var csv = IsCsv(ctx.Request.ContentType, endpoint);
        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
        if (buffer.Length == 0) throw RequestException.Bad("the request body is empty; send the rows to predict.");
        return (buffer.ToArray(), csv);
    }

    /// <summary>Whether the content type is CSV (JSON otherwise); 415 for any other type.</summary>
    private static bool IsCsv(string? contentType, string endpoint)
    {
        // What nearly every client sends, without parsing a media type per request.
        if (contentType == "application/json") return false;
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media)) throw Unsupported(contentType, endpoint);
        var mediaType = media.MediaType.Value ?? "";
        if (endpoint == "invocations" && mediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)) return true;
        if (!mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) && !mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            throw Unsupported(contentType, endpoint);
        return false;
    }

    private (Table Table, string? OipId) BindBody((byte[] Body, bool Csv) body, LoadedModel model, string endpoint)
    {
        if (body.Csv) return (MlflowRequest.BindCsv(body.Body, model.InputSchema, model.Binding, options.MaxRowsPerRequest), null);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.Body, JsonOptions);
        }
        catch (JsonException e)
        {
            throw RequestException.Bad($"the request body is not valid JSON: {e.Message}");
        }
        using (doc) return BindJson(doc, model, endpoint);
    }

    private (Table Table, string? OipId) BindJson(JsonDocument doc, LoadedModel model, string endpoint)
    {
        try
        {
            return endpoint == "v2"
                ? OipRequest.Bind(doc.RootElement, model.InputSchema, model.Binding, options.MaxRowsPerRequest)
                : (MlflowRequest.BindJson(doc.RootElement, model.InputSchema, model.Binding, options.MaxRowsPerRequest), null);
        }
        catch (Keel.Core.KeelInputException e)
        {
            throw RequestException.Bad(e.Message);
        }
        catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException d)
        {
            // JsonDocument checks UTF-8 only when a string is read, so bad bytes surface here rather than at parsing.
            throw RequestException.Bad(InvalidUtf8(d));
        }
    }

    /// <summary>The message for a JSON string that holds bytes that are not UTF-8.</summary>
    internal static string InvalidUtf8(DecoderFallbackException e) =>
        $"the request body is not valid UTF-8: a JSON string holds the bytes [{Convert.ToHexString(e.BytesUnknown ?? [])}], which are not UTF-8 text.";

    /// <summary>Starts a request: its clock, arrival time and a new request id, which the answer's headers carry.</summary>
    private (long Started, DateTimeOffset Arrived, string RequestId) Begin(HttpContext ctx)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = Guid.CreateVersion7().ToString("N");
        ctx.Response.Headers[RequestIdHeader] = requestId;
        ctx.Response.Headers["X-Request-Id"] = requestId;
        return (started, time.GetUtcNow(), requestId);
    }

    private async Task ScoreAsync(HttpContext ctx, string name, string endpoint)
    {
        var (started, arrived, requestId) = Begin(ctx);
        var route = router.Route(new RouteRequest(name, requestId, h => ctx.Request.Headers.TryGetValue(h, out var v) ? v.ToString() : null))
            ?? throw new RequestException(404, "RESOURCE_DOES_NOT_EXIST", $"model '{name}' is not served here; served: {string.Join(", ", catalog.Names)}.");
        var model = route.Model;
        var version = Version(model);
        ctx.Response.Headers[ModelHeader] = model.Name;
        ctx.Response.Headers[VersionHeader] = version;
        ctx.Response.Headers[ArmHeader] = route.Arm;
        try
        {
            var (table, oipId) = await BindAsync(ctx, model, endpoint);
            Predictions predictions;
            try
            {
                predictions = model.Predict(table);
            }
            catch (Keel.Core.KeelInputException e)
            {
                throw RequestException.Bad(e.Message);
            }
            await WriteAnswerAsync(ctx, endpoint, model, version, oipId ?? requestId, predictions);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var series = metrics.Route(model.Name, version, route.Arm);
            series.Latency.Observe(seconds);
            series.Answered(endpoint).Inc();
            series.Observe(table, predictions);
            writer?.TryEnqueue(new PendingPrediction(requestId, arrived, model.Name, model.Version.Version, route.Arm, endpoint, seconds * 1000, table, predictions));
            if (log.IsEnabled(LogLevel.Debug))
                log.LogDebug("{RequestId} {Model} v{Version} {Arm}: {Rows} rows in {Ms:F2} ms", requestId, model.Name, version, route.Arm, predictions.Count, seconds * 1000);
        }
        catch (Exception e)
        {
            var code = StatusOf(e);
            var codeText = code.ToString(CultureInfo.InvariantCulture);
            metrics.Errors.WithLabels(model.Name, version, route.Arm, codeText).Inc();
            metrics.Requests.WithLabels(model.Name, version, route.Arm, endpoint, codeText).Inc();
            throw;
        }
    }

    private async Task<(Table Table, string? OipId)> BindAsync(HttpContext ctx, LoadedModel model, string endpoint)
    {
        if (ctx.Request.ContentLength == 0) throw RequestException.Bad("the request body is empty; send the rows to predict.");
        if (IsCsv(ctx.Request.ContentType, endpoint))
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
            if (buffer.Length == 0) throw RequestException.Bad("the request body is empty; send the rows to predict.");
            return (MlflowRequest.BindCsv(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), model.InputSchema, model.Binding, options.MaxRowsPerRequest), null);
        }
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(ctx.Request.Body, JsonOptions, ctx.RequestAborted);
        }
        catch (JsonException e)
        {
            throw RequestException.Bad($"the request body is not valid JSON: {e.Message}");
        }
        using (doc) return BindJson(doc, model, endpoint);
    }

    private static RequestException Unsupported(string? contentType, string endpoint) => new(415, "UNSUPPORTED_MEDIA_TYPE",
        $"Content-Type '{contentType ?? "(none)"}' is not accepted; expected {(endpoint == "v2" ? "application/json" : "application/json or text/csv")}.");

    private static void WriteOip(Utf8JsonWriter w, string model, string version, string id, Predictions p, AnswerNotes? notes)
    {
        w.WriteStartObject();
        w.WriteString("model_name", model);
        w.WriteString("model_version", version);
        w.WriteString("id", id);
        w.WriteStartArray("outputs");
        w.WriteStartObject();
        w.WriteString("name", "predicted");
        if (p.Probabilities is { } probabilities)
        {
            var predicted = p.PredictedClassIndices();
            w.WriteString("datatype", "BYTES");
            WriteShape(w, p.Count);
            w.WriteStartArray("data");
            foreach (var k in predicted) w.WriteStringValue(p.Classes[k]);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("name", "probabilities");
            w.WriteString("datatype", "FP64");
            WriteShape(w, p.Count, p.Classes.Count);
            w.WriteStartArray("data");
            foreach (var row in probabilities)
            {
                foreach (var v in row) w.WriteNumberValue(v);
            }
            w.WriteEndArray();
            w.WriteStartObject("parameters");
            w.WriteString("classes", string.Join(",", p.Classes));
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("datatype", "FP64");
            WriteShape(w, p.Count);
            w.WriteStartArray("data");
            foreach (var v in p.Values!) PredictionJson.WriteNumber(w, v);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        if (notes is not null)
        {
            // A deployment's answer says which rows went to review; post-processing changes are in the prediction log.
            w.WriteStartObject();
            w.WriteString("name", "needs_review");
            w.WriteString("datatype", "BOOL");
            WriteShape(w, p.Count);
            w.WriteStartArray("data");
            foreach (var n in notes.NeedsReview) w.WriteBooleanValue(n);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (notes is { Shadow: true })
        {
            w.WriteStartObject("parameters");
            w.WriteBoolean("shadow", true);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteShape(Utf8JsonWriter w, params int[] shape)
    {
        w.WriteStartArray("shape");
        foreach (var s in shape) w.WriteNumberValue(s);
        w.WriteEndArray();
    }
}
