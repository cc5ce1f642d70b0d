using Keel.Core.Deployments;
using Keel.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Web.Api;

/// <summary>/api/v1/models: registered models, their versions, aliases (set, delete) and the full alias history.</summary>
internal sealed class RegistryApi(KeelStore store, Access access, WebOptions options)
{
    public void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/models", (Func<HttpContext, Task<IResult>>)ListAsync);
        api.MapGet("/models/{name}", GetAsync);
        api.MapGet("/models/{name}/versions", VersionsAsync);
        api.MapGet("/models/{name}/versions/{version}", VersionAsync);
        api.MapGet("/models/{name}/aliases/history", HistoryAsync);
        api.MapPut("/models/{name}/aliases/{alias}", SetAliasAsync);
        api.MapDelete("/models/{name}/aliases/{alias}", DeleteAliasAsync);
    }

    private async Task<IResult> ListAsync(HttpContext ctx)
    {
        var token = access.Require(ctx, TokenRole.Read);
        var models = await store.Registry.ListModelsAsync(ctx.RequestAborted);
        return ApiJson.Ok(new { models = models.Where(m => token is null || token.CoversModel(m.Name)) });
    }

    private async Task<IResult> GetAsync(HttpContext ctx, string name)
    {
        access.RequireModel(ctx, TokenRole.Read, name);
        return ApiJson.Ok(await store.Registry.GetModelAsync(name, ctx.RequestAborted) ?? throw NoModel(name));
    }

    private async Task<IResult> VersionsAsync(HttpContext ctx, string name)
    {
        access.RequireModel(ctx, TokenRole.Read, name);
        if (await store.Registry.GetModelAsync(name, ctx.RequestAborted) is null) throw NoModel(name);
        return ApiJson.Ok(new { versions = await store.Registry.ListVersionsAsync(name, ctx.RequestAborted) });
    }

    private async Task<IResult> VersionAsync(HttpContext ctx, string name, string version)
    {
        var number = Number(version);
        access.RequireModel(ctx, TokenRole.Read, name);
        return ApiJson.Ok(await store.Registry.GetVersionAsync(name, number, ctx.RequestAborted)
            ?? throw new ApiException(404, "version", $"version: model '{name}' has no version {number}"));
    }

    private async Task<IResult> HistoryAsync(HttpContext ctx, string name)
    {
        access.RequireModel(ctx, TokenRole.Read, name);
        if (await store.Registry.GetModelAsync(name, ctx.RequestAborted) is null) throw NoModel(name);
        return ApiJson.Ok(new { events = await store.Registry.GetAliasHistoryAsync(name, ctx.RequestAborted) });
    }

    private async Task<IResult> SetAliasAsync(HttpContext ctx, string name, string alias)
    {
        var body = await JsonBody.ReadAsync(ctx.Request, options.MaxJsonBytes, ctx.RequestAborted);
        var version = body.OptionalInt("version", 1, int.MaxValue) ?? throw ApiException.Bad("version", "a version number, 1 or above");
        var reason = body.OptionalString("reason", 1000);
        access.RequireModel(ctx, TokenRole.Write, name);
        ctx.Items[Access.TargetItem] = $"model {name} alias {alias}";
        if (await store.Registry.GetModelAsync(name, ctx.RequestAborted) is null) throw NoModel(name);
        if (await store.Registry.GetVersionAsync(name, version, ctx.RequestAborted) is null)
            throw new ApiException(404, "version", $"version: model '{name}' has no version {version}");
        return ApiJson.Ok(await store.Registry.SetAliasAsync(name, alias, version, (string)ctx.Items[Access.ActorItem]!, reason, ctx.RequestAborted));
    }

    private async Task<IResult> DeleteAliasAsync(HttpContext ctx, string name, string alias)
    {
        access.RequireModel(ctx, TokenRole.Write, name);
        ctx.Items[Access.TargetItem] = $"model {name} alias {alias}";
        if (await store.Registry.GetModelAsync(name, ctx.RequestAborted) is not { } model) throw NoModel(name);
        if (!model.Aliases.ContainsKey(alias)) throw new ApiException(404, "alias", $"alias: model '{name}' has no alias '{alias}'");
        var reason = ctx.Request.Query["reason"].ToString();
        return ApiJson.Ok(await store.Registry.DeleteAliasAsync(name, alias, (string)ctx.Items[Access.ActorItem]!, reason.Length > 0 ? reason : null, ctx.RequestAborted));
    }

    private static int Number(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n : throw ApiException.Bad("version", "a version number, 1 or above");

    private static ApiException NoModel(string name) => new(404, "name", $"name: no registered model '{name}'");
}
