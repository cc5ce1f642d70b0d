using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Keel.Core;

namespace Keel.Tracking.Sqlite;

/// <summary>
/// Opaque keyset page tokens: the sort-key values of the last run on the page, plus a fingerprint of the query.
/// </summary>
/// <remarks>
/// A position by value, not an offset, so runs created, finished or deleted between pages cause no repeats or gaps;
/// the fingerprint refuses a token used with another filter, order or experiment list, whose keys would not line up.
/// </remarks>
internal static class PageToken
{
    private sealed record Payload(string Q, JsonElement[] K);

    /// <summary>A short hash of what decides the order and the set of runs.</summary>
    public static string Fingerprint(string? filter, string? orderBy, IReadOnlyList<string> experimentIds, bool topLevel = false)
    {
        var text = string.Join("\n", filter ?? "", orderBy ?? "", string.Join(",", experimentIds)) + (topLevel ? "\ntop-level" : "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    public static string Encode(string fingerprint, IReadOnlyList<object?> keys)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new { q = fingerprint, k = keys });
        return Convert.ToBase64String(json).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The key values of the last run of the previous page, typed per <paramref name="kinds"/>; null for the first page.</summary>
    /// <exception cref="KeelInputException">The token was not produced by <see cref="Encode"/> for this query.</exception>
    public static IReadOnlyList<object?>? Decode(string? token, string fingerprint, IReadOnlyList<SortKeyKind> kinds)
    {
        if (token is null) return null;
        KeelInputException Bad(string why) => new($"run search page token '{token}': {why}");
        Payload? payload;
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            payload = JsonSerializer.Deserialize<Payload>(Convert.FromBase64String(b64), new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw Bad("expected a token returned by a previous search");
        }
        if (payload?.Q is null || payload.K is null)
            throw Bad("expected a token returned by a previous search");
        if (payload.Q != fingerprint)
            throw Bad("it belongs to a search with another filter, order or experiment list");
        if (payload.K.Length != kinds.Count)
            throw Bad("expected a token returned by a previous search");
        try
        {
            return payload.K.Select((k, i) => Read(k, kinds[i])).ToArray();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw Bad("expected a token returned by a previous search");
        }
    }

    private static object? Read(JsonElement e, SortKeyKind kind) => e.ValueKind == JsonValueKind.Null ? null : kind switch
    {
        SortKeyKind.Text => e.GetString(),
        SortKeyKind.Integer => e.GetInt64(),
        _ => e.GetDouble(),
    };
}

/// <summary>How a sort key's value is stored in a page token.</summary>
internal enum SortKeyKind { Text, Integer, Real }
