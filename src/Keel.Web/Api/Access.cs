using Keel.Core.Deployments;
using Keel.Tracking;
using Microsoft.AspNetCore.Http;

namespace Keel.Web.Api;

/// <summary>
/// Who is calling and what they may do. Tokens come as "Authorization: Bearer keel_…". Every write needs a token of role write or
/// admin; reads need one (role read or more) only when the server listens beyond loopback. A scoped token reaches only its
/// experiments and models, for reads too. The web UI's GET requests may carry the token in the keel_token cookie instead.
/// </summary>
internal sealed class Access(KeelStore store, bool readsNeedToken)
{
    public const string ActorItem = "keel.actor";
    public const string TargetItem = "keel.target";
    private const string TokenItem = "keel.token";

    /// <summary>Checks the presented token (if any) and remembers it for the request; a token that is presented but wrong is refused.</summary>
    public async Task AuthenticateAsync(HttpContext ctx)
    {
        ctx.Items[ActorItem] = "anonymous";
        var header = ctx.Request.Headers.Authorization.ToString();
        // The web UI's reads carry the token in a cookie set by /ui/login; writes never accept it (no cross-site request can write).
        if (header.Length == 0 && (HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method))
            && ctx.Request.Cookies[Ui.WebUi.TokenCookie] is { Length: > 0 } cookie)
            header = "Bearer " + cookie;
        if (header.Length == 0) return;
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            throw new ApiException(401, "Authorization", "Authorization: expected 'Bearer TOKEN' with a token from keel tokens create");
        var presented = header["Bearer ".Length..].Trim();
        if (await store.Deployments.FindVerifiedTokenAsync(presented, ctx.RequestAborted) is not { } record)
            throw new ApiException(401, "Authorization", "Authorization: the token is unknown, revoked or malformed");
        ctx.Items[TokenItem] = record;
        ctx.Items[ActorItem] = $"token {record.Id} ({record.Name})";
    }

    /// <summary>Refuses the request unless the caller holds <paramref name="role"/> (401 without a token, 403 with too weak a one).</summary>
    public static ApiToken? Require(HttpContext ctx, TokenRole role, bool readsNeedToken)
    {
        var token = ctx.Items[TokenItem] as ApiToken;
        if (token is null)
        {
            if (role == TokenRole.Read && !readsNeedToken) return null;
            throw new ApiException(401, "Authorization", $"Authorization: expected a bearer token with role {Name(role)} or above (keel tokens create NAME --role {Name(role)})");
        }
        if (token.Role < role)
            throw new ApiException(403, "Authorization", $"token {token.Id} has role {Name(token.Role)}; this request needs {Name(role)} or above");
        return token;
    }

    /// <summary><see cref="Require(HttpContext, TokenRole, bool)"/> with this server's read rule.</summary>
    public ApiToken? Require(HttpContext ctx, TokenRole role) => Require(ctx, role, readsNeedToken);

    /// <summary>Requires <paramref name="role"/> on experiment <paramref name="experiment"/> (403 when a scoped token does not cover it).</summary>
    public void RequireExperiment(HttpContext ctx, TokenRole role, string experiment)
    {
        if (Require(ctx, role) is { } token && !token.CoversExperiment(experiment))
            throw new ApiException(403, "Authorization", $"token {token.Id} is limited to other experiments than '{experiment}'");
    }

    /// <summary>Requires <paramref name="role"/> on registered model <paramref name="model"/> (403 when a scoped token does not cover it).</summary>
    public void RequireModel(HttpContext ctx, TokenRole role, string model)
    {
        if (Require(ctx, role) is { } token && !token.CoversModel(model))
            throw new ApiException(403, "Authorization", $"token {token.Id} is limited to other models than '{model}'");
    }

    /// <summary>The caller's token, or null.</summary>
    public static ApiToken? TokenOf(HttpContext ctx) => ctx.Items[TokenItem] as ApiToken;

    private static string Name(TokenRole role) => role.ToString().ToLowerInvariant();
}
