using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Keel.Core;
using Keel.Core.Deployments;
using Keel.Serving.Requests;
using Microsoft.AspNetCore.Http;

namespace Keel.Serving.Hosting;

/// <summary>
/// Bearer tokens for /feedback and the admin endpoints, checked against the hashed tokens of <c>keel tokens</c>. Required when the server
/// listens beyond loopback (or when asked); on loopback a presented token is still checked. A verified token is remembered for
/// <see cref="CacheFor"/> (PBKDF2 costs milliseconds), so a revocation takes effect within that time.
/// </summary>
internal sealed class BearerAuth(IDeploymentStore? store, bool required, TimeProvider time)
{
    /// <summary>How long a verified token is trusted without hashing it again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    /// <summary>Where <see cref="AuthorizeAsync"/> leaves the verified token for <see cref="RequireModels"/>.</summary>
    private const string TokenItem = "keel.serve.token";

    private readonly ConcurrentDictionary<string, (ApiToken Token, DateTimeOffset Until)> _verified = new(StringComparer.Ordinal);

    /// <summary>Whether every call to a protected endpoint must carry a valid token.</summary>
    public bool Required => required;

    /// <summary>Refuses to start when tokens are required but the store has no valid one.</summary>
    /// <exception cref="KeelInputException">No store, or no unrevoked token in it.</exception>
    public static async Task CheckCanStartAsync(IDeploymentStore? store, string host, bool loopback, CancellationToken ct)
    {
        var any = store is not null && (await store.ListTokensAsync(ct)).Any(t => t.RevokedAt is null);
        if (any) return;
        throw new KeelInputException(loopback
            ? "bearer tokens are required for /feedback and the admin endpoints, and the store has none; create one with `keel tokens create NAME`."
            : $"--host '{host}': listening beyond loopback needs a bearer token for /feedback and the admin endpoints, and the store has none; create one with `keel tokens create NAME` (or listen on 127.0.0.1).");
    }

    /// <summary>
    /// Who is calling: the token's name, or "loopback" when no token is required and none was given. A presented token must hold
    /// <paramref name="needed"/> or more (read &lt; write &lt; admin): reads of state need read, /feedback and review labels write,
    /// promote, rollback and mode admin.
    /// </summary>
    /// <exception cref="RequestException">401: a required token is missing, or a presented one is malformed, unknown, revoked or wrong;
    /// 403: the token's role is below <paramref name="needed"/>.</exception>
    public async Task<string> AuthorizeAsync(HttpContext ctx, TokenRole needed)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            if (!required) return "loopback";
            throw Unauthorized(ctx, "this endpoint needs 'Authorization: Bearer TOKEN' (a token from `keel tokens create`).");
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            throw Unauthorized(ctx, "the Authorization header must be 'Bearer TOKEN'.");
        var presented = header["Bearer ".Length..].Trim();
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
        var now = time.GetUtcNow();
        if (_verified.TryGetValue(key, out var hit) && hit.Until > now) return Allowed(ctx, hit.Token, needed);
        if (store is not null && await store.FindVerifiedTokenAsync(presented, ctx.RequestAborted) is { } record)
        {
            _verified[key] = (record, now + CacheFor);
            return Allowed(ctx, record, needed);
        }
        _verified.TryRemove(key, out _);
        throw Unauthorized(ctx, "the bearer token is not valid (unknown, revoked or wrong).");
    }

    private static string Allowed(HttpContext ctx, ApiToken token, TokenRole needed)
    {
        if (token.Role < needed)
            throw new RequestException(403, "FORBIDDEN", $"token '{token.Name}' has the {token.Role.ToString().ToLowerInvariant()} role; this endpoint needs {needed.ToString().ToLowerInvariant()} (see `keel tokens create --role`).");
        ctx.Items[TokenItem] = token;
        return token.Name;
    }

    /// <summary>Refuses (403) a token scoped to registered models (<c>keel tokens create --model</c>) that does not cover every one of
    /// <paramref name="models"/>, as <c>keel server</c> does; a token scoped to experiments only covers no model. Call after
    /// <see cref="AuthorizeAsync"/>; without a token (loopback) it allows.</summary>
    public static void RequireModels(HttpContext ctx, IEnumerable<string> models)
    {
        if (ctx.Items[TokenItem] is not ApiToken token) return;
        foreach (var model in models)
            if (!token.CoversModel(model))
                throw new RequestException(403, "FORBIDDEN", $"token '{token.Name}' is limited to other models than '{model}' (see `keel tokens create --model`).");
    }

    private static RequestException Unauthorized(HttpContext ctx, string message)
    {
        ctx.Response.Headers.WWWAuthenticate = "Bearer";
        return new RequestException(401, "UNAUTHENTICATED", message);
    }
}
