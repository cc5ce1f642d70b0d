using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Tracking;
using Microsoft.AspNetCore.Http;

namespace Keel.Web.Api;

/// <summary>The API's JSON: snake_case fields, enum values in lower case, and the shapes of runs, experiments and registry entries.</summary>
internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Error messages quote the filter ('x' > 1): keep quotes and operators readable; the body is application/json, never HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IResult Ok(object value, int status = 200) => Results.Json(value, Options, statusCode: status);

    public static IResult Error(int status, string? field, string message) =>
        Results.Json(new { error = new { status, field, message } }, Options, statusCode: status);

    public static object Run(Run r) => new
    {
        r.Id, r.ExperimentId, r.Name, r.Status, r.StartTime, r.EndTime, r.HeartbeatAt, r.ArtifactBytes,
        @params = r.Params, r.Tags, r.Metrics,
    };
}
