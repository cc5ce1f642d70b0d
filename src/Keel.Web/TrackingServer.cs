using System.Net;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Access;
using Keel.Tracking;
using Keel.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Keel.Web;

/// <summary>A running tracking server (Kestrel) over one store: the REST tracking API under /api/v1 and the web UI under /ui. Disposing it stops it.</summary>
/// <remarks>
/// Every write needs a bearer token of role write or admin and is appended to the audit log (refused ones too); reads need a
/// token only when it listens beyond loopback, and it will not start there while the store has no valid token.
/// </remarks>
public sealed class TrackingServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TrackingServer(WebApplication app, Uri address, bool readsNeedToken)
    {
        _app = app;
        Address = address;
        ReadsNeedToken = readsNeedToken;
    }

    /// <summary>The address it listens on, e.g. http://127.0.0.1:5000/ (the real port when 0 was asked).</summary>
    public Uri Address { get; }

    /// <summary>Whether reads need a token too (it listens beyond loopback).</summary>
    public bool ReadsNeedToken { get; }

    /// <summary>Starts listening on <see cref="WebOptions.Host"/>:<see cref="WebOptions.Port"/> over an opened, writable store.</summary>
    /// <exception cref="KeelInputException">A host that is not an IP address, a non-loopback host with no valid token in the store, or a busy port.</exception>
    public static async Task<TrackingServer> StartAsync(WebOptions options, KeelStore store, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var ip = options.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(options.Host, out var parsed) ? parsed
            : throw new KeelInputException($"--host '{options.Host}': expected an IP address such as 127.0.0.1, 0.0.0.0 or localhost");
        if (options.Port is < 0 or > 65535) throw new KeelInputException($"--port {options.Port}: expected 0 to 65535");
        var readsNeedToken = !IPAddress.IsLoopback(ip);
        if (readsNeedToken && !(await store.Deployments.ListTokensAsync(ct)).Any(t => t.RevokedAt is null))
            throw new KeelInputException($"--host {options.Host}: listening beyond loopback needs tokens, and the store has none; create one with 'keel tokens create NAME --role admin' first");

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // JSON bodies are limited by JsonBody; artifact uploads raise the limit per request.
            k.Limits.MaxRequestBodySize = Math.Max(options.MaxJsonBytes, 1);
            k.Listen(ip, options.Port);
        });
        builder.Services.AddRouting();
        var app = builder.Build();
        var time = store.Options.Time;
        var access = new Access(store, readsNeedToken);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<TrackingServer>();
        app.Use((ctx, next) => HandleAsync(ctx, next, access, store.Audit, time, logger));
        var api = app.MapGroup("/api/v1");
        var runs = new RunsApi(store, access, options, time);
        runs.Map(api);
        new ArtifactsApi(store, runs, options).Map(api);
        new RegistryApi(store, access, options).Map(api);
        new Ui.WebUi(store, access, runs).Map(app);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new KeelInputException($"cannot listen on {options.Host}:{options.Port}: {e.Message}", e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TrackingServer(app, new Uri(bound.EndsWith('/') ? bound : bound + "/"), readsNeedToken);
    }

    /// <summary>Waits until <paramref name="ct"/> is cancelled or the host stops.</summary>
    public Task WaitAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    /// <summary>Stops listening; requests in progress finish.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <summary>Authenticates, turns refusals into JSON 4xx answers naming the field, and appends every write to the audit log before
    /// its answer starts (so a client that has the answer finds the row), or at the end for an answer that never started.</summary>
    private static async Task HandleAsync(HttpContext ctx, RequestDelegate next, Access access, IAuditLog audit, TimeProvider time, ILogger logger)
    {
        var write = !HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method) && !HttpMethods.IsOptions(ctx.Request.Method);
        var audited = 0;
        async Task AuditAsync()
        {
            if (Interlocked.Exchange(ref audited, 1) == 1) return;
            var entry = new AuditEntry(0, time.GetUtcNow(), ctx.Items[Access.ActorItem] as string ?? "anonymous",
                $"{ctx.Request.Method} {Clip(ctx.Request.Path)}", ctx.Items[Access.TargetItem] as string ?? "", ctx.Response.StatusCode);
            try { await audit.AppendAsync(entry, CancellationToken.None); }
            catch (Exception e) when (e is not OutOfMemoryException) { logger.LogError(e, "audit entry not written: {Entry}", entry); }
        }
        if (write) ctx.Response.OnStarting(AuditAsync);
        try
        {
            await access.AuthenticateAsync(ctx);
            await next(ctx);
            if (ctx.Response.StatusCode is 404 or 405 && !ctx.Response.HasStarted && ctx.Response.ContentType is null && Ui.WebUi.IsUi(ctx))
                await Ui.WebUi.WriteRefusalAsync(ctx, ctx.Response.StatusCode, $"{ctx.Request.Method} {Clip(ctx.Request.Path)}: no such page");
            else if (ctx.Response.StatusCode is 404 or 405 && !ctx.Response.HasStarted && ctx.Response.ContentType is null)
                await WriteAsync(ctx, ApiJson.Error(ctx.Response.StatusCode, "path",
                    $"{ctx.Request.Method} {Clip(ctx.Request.Path)}: expected a route of the tracking API under /api/v1 (docs/team.md)"));
        }
        catch (Exception e) when (!ctx.Response.HasStarted && Refusal(e) is { } refusal)
        {
            ctx.Response.Clear();
            if (Ui.WebUi.IsUi(ctx)) await Ui.WebUi.WriteRefusalAsync(ctx, refusal.Status, refusal.Message);
            else await WriteAsync(ctx, ApiJson.Error(refusal.Status, refusal.Field, refusal.Message));
        }
        catch (Exception e) when (!ctx.Response.HasStarted && e is not OperationCanceledException)
        {
            logger.LogError(e, "{Method} {Path} failed", ctx.Request.Method, ctx.Request.Path);
            ctx.Response.Clear();
            await WriteAsync(ctx, ApiJson.Error(500, null, "internal error; the server log has the details"));
        }
        finally
        {
            if (write) await AuditAsync();
        }
    }

    private static (int Status, string? Field, string Message)? Refusal(Exception e) => e switch
    {
        ApiException a => (a.Status, a.Field, a.Message),
        KeelNotFoundException n => (404, null, n.Message),
        KeelInputException i => (400, null, i.Message),
        BadHttpRequestException b => (b.StatusCode, "body", $"body: {b.Message}"),
        JsonException j => (400, "body", $"body: expected valid JSON ({j.Message})"),
        ArgumentException a => (400, null, a.Message.Split(" (Parameter")[0]),
        _ => null,
    };

    private static string Clip(PathString path) => path.Value is { Length: > 200 } v ? v[..200] + "…" : path.Value ?? "";

    private static Task WriteAsync(HttpContext ctx, IResult result) => result.ExecuteAsync(ctx);
}
