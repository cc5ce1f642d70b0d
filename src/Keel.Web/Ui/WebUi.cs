using System.Text;
using Keel.Core.Deployments;
using Keel.Tracking;
using Keel.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Keel.Web.Ui.Html;

namespace Keel.Web.Ui;

/// <summary>
/// The web UI under /ui, served by the tracking server: server-rendered pages over the same store and access rules as the API, charts
/// drawn in the browser by Chart.js, which is vendored in the assembly (no CDN, works offline).
/// </summary>
internal sealed class WebUi(KeelStore store, Access access, RunsApi runs)
{
    /// <summary>The cookie that carries a token for the UI's reads (set by /ui/login; HttpOnly, SameSite=Strict).</summary>
    public const string TokenCookie = "keel_token";

    private static readonly Dictionary<string, (string Resource, string Type)> Assets = new(StringComparer.Ordinal)
    {
        ["chart.umd.min.js"] = ("Keel.Web.Ui.assets.chart.umd.min.js", "text/javascript; charset=utf-8"),
        ["keel.js"] = ("Keel.Web.Ui.assets.keel.js", "text/javascript; charset=utf-8"),
        ["keel.css"] = ("Keel.Web.Ui.assets.keel.css", "text/css; charset=utf-8"),
        ["LICENSE.chart.js.md"] = ("Keel.Web.Ui.assets.LICENSE.chart.js.md", "text/plain; charset=utf-8"),
    };

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/ui/runs"));
        app.MapGet("/ui", () => Results.Redirect("/ui/runs"));
        app.MapGet("/ui/assets/{name}", Asset);
        app.MapGet("/ui/login", (HttpContext ctx) => Login(ctx, null));
        app.MapPost("/ui/login", (Func<HttpContext, Task<IResult>>)LoginAsync);
        app.MapPost("/ui/logout", Logout);
        var runsPage = new RunsPage(store, access);
        app.MapGet("/ui/runs", (Func<HttpContext, Task<IResult>>)runsPage.RenderAsync);
        var runView = new RunView(store, runs);
        app.MapGet("/ui/runs/{id}", runView.RenderAsync);
        app.MapGet("/ui/runs/{id}/report", runView.ReportAsync);
        app.MapGet("/ui/compare", (Func<HttpContext, Task<IResult>>)new CompareView(store, runs).RenderAsync);
        var models = new ModelsView(store, access);
        app.MapGet("/ui/models", (Func<HttpContext, Task<IResult>>)models.ListAsync);
        app.MapGet("/ui/models/{name}", models.RenderAsync);
        var deployments = new DeploymentsView(store, access);
        app.MapGet("/ui/deployments", (Func<HttpContext, Task<IResult>>)deployments.ListAsync);
        app.MapGet("/ui/deployments/{name}", deployments.RenderAsync);
        app.MapGet("/ui/monitoring", (Func<HttpContext, Task<IResult>>)new MonitoringView(store, access).RenderAsync);
        var searches = new SearchesView(store, access);
        app.MapGet("/ui/searches", (Func<HttpContext, Task<IResult>>)searches.ListAsync);
        app.MapGet("/ui/searches/{name}", searches.RenderAsync);
    }

    private static IResult Asset(HttpContext ctx, string name)
    {
        if (!Assets.TryGetValue(name, out var asset)) return Results.NotFound();
        var stream = typeof(WebUi).Assembly.GetManifestResourceStream(asset.Resource)
            ?? throw new InvalidOperationException($"UI asset {asset.Resource} is not embedded in Keel.Web.");
        ctx.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Stream(stream, asset.Type);
    }

    /// <summary>The login form: a token from `keel tokens create` (role read or above), kept in an HttpOnly cookie for reads.</summary>
    private static IResult Login(HttpContext ctx, string? error)
    {
        var next = SafeNext(ctx.Request.Query["next"].ToString() is { Length: > 0 } q ? q : ctx.Request.HasFormContentType ? ctx.Request.Form["next"].ToString() : null);
        var body = new StringBuilder();
        if (error is not null) body.Append($"<p class=\"error\">{E(error)}</p>");
        body.Append("<p>This server listens beyond loopback, so reading needs a token (<code>keel tokens create NAME --role read</code>).</p>")
            .Append("<form method=\"post\" action=\"/ui/login\" class=\"inline\">")
            .Append($"<input type=\"hidden\" name=\"next\" value=\"{E(next)}\">")
            .Append("<input type=\"password\" name=\"token\" placeholder=\"keel_…\" autocomplete=\"off\" aria-label=\"token\"><button type=\"submit\">Sign in</button></form>");
        return Page("Sign in", "", body.ToString(), error is null ? 200 : 401);
    }

    private async Task<IResult> LoginAsync(HttpContext ctx)
    {
        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        var presented = form["token"].ToString().Trim();
        if (await store.Deployments.FindVerifiedTokenAsync(presented, ctx.RequestAborted) is not { } token)
            return Login(ctx, "The token is unknown, revoked or malformed.");
        ctx.Items[Access.ActorItem] = $"token {token.Id} ({token.Name})";
        ctx.Items[Access.TargetItem] = "ui login";
        ctx.Response.Cookies.Append(TokenCookie, presented, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = ctx.Request.IsHttps, Path = "/", MaxAge = TimeSpan.FromHours(12),
        });
        return Results.Redirect(SafeNext(form["next"].ToString()));
    }

    private static IResult Logout(HttpContext ctx)
    {
        ctx.Response.Cookies.Delete(TokenCookie, new CookieOptions { Path = "/" });
        return Results.Redirect("/ui/login");
    }

    /// <summary>Only local paths under /ui are followed after login (no open redirect).</summary>
    private static string SafeNext(string? next) =>
        next is { Length: > 0 } n && n.StartsWith("/ui/", StringComparison.Ordinal) && !n.StartsWith("/ui//", StringComparison.Ordinal) && !n.Contains('\\', StringComparison.Ordinal) ? n : "/ui/runs";

    /// <summary>Whether a request is for the UI (its refusals are answered as HTML pages, not JSON).</summary>
    public static bool IsUi(HttpContext ctx) => ctx.Request.Path.StartsWithSegments("/ui") || ctx.Request.Path == "/";

    /// <summary>A refusal as a page: a missing token on a read sends the browser to the login form; anything else says what was wrong.</summary>
    public static Task WriteRefusalAsync(HttpContext ctx, int status, string message)
    {
        if (status == 401 && HttpMethods.IsGet(ctx.Request.Method))
        {
            var next = ctx.Request.Path + ctx.Request.QueryString;
            return Results.Redirect("/ui/login?next=" + U(next)).ExecuteAsync(ctx);
        }
        return Page(status == 404 ? "Not found" : "Refused", "", $"<p class=\"error\">{E(message)}</p>", status).ExecuteAsync(ctx);
    }
}
