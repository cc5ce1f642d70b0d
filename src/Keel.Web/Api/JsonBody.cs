using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Keel.Web.Api;

/// <summary>A JSON object request body, read with a size limit, whose accessors name the field they refuse.</summary>
internal sealed class JsonBody
{
    private readonly JsonElement _root;

    private JsonBody(JsonElement root) => _root = root;

    public static async Task<JsonBody> ReadAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            await DrainAsync(request, ct);
            throw new ApiException(413, "body", $"body: expected at most {limit} bytes of JSON");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > limit) throw new ApiException(413, "body", $"body: expected at most {limit} bytes of JSON");
            buffer.Write(chunk, 0, n);
        }
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw ApiException.Bad("body", "a JSON object");
            return new JsonBody(doc.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new ApiException(400, "body", $"body: expected valid JSON ({e.Message.Split(" Path:")[0]})");
        }
    }

    /// <summary>
    /// Reads and drops a refused body of up to 16 MiB, so the client, still sending it, reads the 413 instead of a reset connection.
    /// </summary>
    private static async Task DrainAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > 16L << 20) return;
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } f)
            f.MaxRequestBodySize = 16L << 20;
        var chunk = new byte[16384];
        while (await request.Body.ReadAsync(chunk, ct) > 0) { }
    }

    private JsonElement? Get(string field) =>
        _root.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public string String(string field, int maxLength = 500) =>
        OptionalString(field, maxLength) ?? throw ApiException.Bad(field, "a non-empty string");

    public string? OptionalString(string field, int maxLength = 500)
    {
        if (Get(field) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 } s) throw ApiException.Bad(field, "a non-empty string");
        if (s.Length > maxLength) throw ApiException.Bad(field, $"at most {maxLength} characters");
        if (s.Any(char.IsControl)) throw ApiException.Bad(field, "no control characters");
        return s;
    }

    public int? OptionalInt(string field, int min, int max)
    {
        if (Get(field) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i) || i < min || i > max)
            throw ApiException.Bad(field, $"a whole number from {min} to {max}");
        return i;
    }

    public DateTimeOffset? OptionalTime(string field) => Get(field) is { } v ? Time(v, field) : null;

    public static DateTimeOffset Time(JsonElement v, string field) =>
        v.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t : throw ApiException.Bad(field, "an ISO 8601 time such as 2026-03-01T12:00:00Z");

    /// <summary>An object of string values (params, tags), empty when absent.</summary>
    public Dictionary<string, string> StringMap(string field, int maxEntries = 1000)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Get(field) is not { } v) return map;
        if (v.ValueKind != JsonValueKind.Object) throw ApiException.Bad(field, "an object of string values");
        foreach (var p in v.EnumerateObject())
        {
            var name = $"{field}.{p.Name}";
            if (p.Name.Length is 0 or > 250 || p.Name.Any(char.IsControl)) throw ApiException.Bad(field, "keys of 1 to 250 characters without control characters");
            if (p.Value.ValueKind != JsonValueKind.String) throw ApiException.Bad(name, "a string");
            if (p.Value.GetString()!.Length > 6000) throw ApiException.Bad(name, "at most 6000 characters");
            map[p.Name] = p.Value.GetString()!;
            if (map.Count > maxEntries) throw ApiException.Bad(field, $"at most {maxEntries} entries");
        }
        return map;
    }

    /// <summary>An array (empty when absent) of objects, each with its index for error messages.</summary>
    public IEnumerable<(JsonElement Item, string Name)> Array(string field, int maxItems)
    {
        if (Get(field) is not { } v) yield break;
        if (v.ValueKind != JsonValueKind.Array) throw ApiException.Bad(field, "an array");
        if (v.GetArrayLength() > maxItems) throw ApiException.Bad(field, $"at most {maxItems} items");
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            var name = $"{field}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) throw ApiException.Bad(name, "an object");
            yield return (item, name);
        }
    }

    /// <summary>An array of strings (empty when absent).</summary>
    public IReadOnlyList<string> Strings(string field, int maxItems)
    {
        if (Get(field) is not { } v) return [];
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() > maxItems) throw ApiException.Bad(field, $"an array of at most {maxItems} strings");
        return v.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s ? s : throw ApiException.Bad($"{field}[{i}]", "a non-empty string")).ToArray();
    }
}
