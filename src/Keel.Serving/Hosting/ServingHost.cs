using System.Net;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Artifacts;
using Keel.Core.Deployments;
using Keel.Core.PredictionLog;
using Keel.Core.Registry;
using Keel.Serving.Logging;
using Keel.Serving.Metrics;
using Keel.Serving.Models;
using Keel.Serving.Requests;
using Keel.Tracking.PredictionLog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Keel.Serving.Hosting;

/// <summary>A running prediction server (Kestrel): models loaded and warm before it listens; disposing it stops it and flushes the log.</summary>
public sealed class ServingHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IPredictionLogStore? _log;
    private readonly DeploymentRuntime? _deployment;

    private ServingHost(WebApplication app, IPredictionLogStore? log, DeploymentRuntime? deployment, Uri address)
    {
        _app = app;
        _log = log;
        _deployment = deployment;
        Address = address;
    }

    /// <summary>The address it listens on, e.g. http://127.0.0.1:8080/ (the real port when 0 was asked).</summary>
    public Uri Address { get; }

    /// <summary>The served models.</summary>
    public IModelCatalog Catalog => _app.Services.GetRequiredService<IModelCatalog>();

    /// <summary>
    /// Loads and verifies the models, then listens. <paramref name="configure"/> may replace services, e.g. the <see cref="IModelRouter"/>.
    /// With <paramref name="deployment"/>, requests for its endpoint (or champion name) go through its rollout policy (docs/deployments.md).
    /// With <paramref name="monitoring"/>, a monitoring pass runs on its schedule and its drift figures are exposed in /metrics.
    /// <c>tokens</c> is where the hashed bearer tokens are (<c>keel tokens</c>; default the deployment's store), needed beyond loopback.
    /// </summary>
    /// <exception cref="KeelInputException">
    /// A non-loopback host without a valid token in <paramref name="tokens"/>, a model that cannot be found or whose file fails its hash
    /// check, a post-processing rule that does not fit a model, or a busy port.
    /// </exception>
    public static async Task<ServingHost> StartAsync(ServeOptions options, IModelRegistry registry, IArtifactStore artifacts, TimeProvider time,
        Action<IServiceCollection>? configure = null, CancellationToken ct = default, DeploymentServeOptions? deployment = null, IDeploymentStore? tokens = null,
        ScheduledMonitoring? monitoring = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (deployment is not null)
        {
            // The catalog serves the champion (and follows its alias); the deployment loads the challenger beside it.
            var champion = deployment.File.Champion;
            if (!options.Models.Any(m => m.Name == champion.Name)) options = options with { Models = [.. options.Models, champion] };
        }
        var address = Listen(options.Host);
        tokens ??= deployment?.Store;
        var requireToken = options.RequireToken ?? !IPAddress.IsLoopback(address);
        if (requireToken) await BearerAuth.CheckCanStartAsync(tokens, options.Host, IPAddress.IsLoopback(address), ct);
        var auth = new BearerAuth(tokens, requireToken, time);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning)
            // A failed start (e.g. a busy port) is reported once, as a KeelInputException, not also as a logged stack trace.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None)
            // While this category is enabled at any level, ASP.NET Core starts an Activity and a log scope for every request (about
            // 1 KB allocated per request); it logs only request start and end, at Information, which the Warning filter drops anyway.
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            k.Listen(address, options.Port);
        });
        var s = builder.Services;
        s.AddSingleton(options);
        s.AddSingleton(registry);
        s.AddSingleton(artifacts);
        s.AddSingleton(time);
        s.AddSingleton<ServingMetrics>();
        s.AddSingleton<ModelCatalog>();
        s.AddSingleton<IModelCatalog>(sp => sp.GetRequiredService<ModelCatalog>());
        s.AddSingleton<IModelRouter, CatalogRouter>();
        s.AddHostedService<AliasWatcher>();
        if (monitoring is not null)
        {
            s.AddSingleton(monitoring);
            s.AddHostedService<ScheduledMonitor>();
        }
        IPredictionLogStore? log = null;
        DeploymentRuntime? runtime = null;
        if (options.PredictionLog is not null || options.PredictionLogPath is not null)
        {
            log = options.PredictionLog is { } open ? await open(ct) : await PredictionLogStores.OpenSqliteAsync(options.PredictionLogPath!, ct);
            s.AddSingleton(log);
            s.AddSingleton<PredictionLogWriter>();
            s.AddHostedService(sp => sp.GetRequiredService<PredictionLogWriter>());
        }
        s.AddSingleton(sp => new ScoringEndpoint(sp.GetRequiredService<IModelRouter>(), sp.GetRequiredService<IModelCatalog>(), options,
            sp.GetRequiredService<ServingMetrics>(), time, sp.GetRequiredService<ILogger<ScoringEndpoint>>(), sp.GetService<PredictionLogWriter>(), runtime));
        configure?.Invoke(s);

        var app = builder.Build();
        try
        {
            var catalog = app.Services.GetRequiredService<ModelCatalog>();
            var metrics = app.Services.GetRequiredService<ServingMetrics>();
            await catalog.LoadAsync(options.Models, ct);
            foreach (var n in catalog.Names) metrics.Served.WithLabels(n).Set(catalog.Current(n)!.Version.Version);
            catalog.Swapped += (_, now) =>
            {
                metrics.Reloads.WithLabels(now.Name).Inc();
                metrics.Served.WithLabels(now.Name).Set(now.Version.Version);
            };
            catalog.ReloadFailed += name => metrics.ReloadFailures.WithLabels(name).Inc();
            if (deployment is not null)
            {
                runtime = await DeploymentRuntime.CreateAsync(deployment, catalog.Current(deployment.File.Champion.Name)!, registry, artifacts, time,
                    app.Services.GetRequiredService<ILogger<DeploymentRuntime>>(), ct);
                if (log is not null) await runtime.ReplayFeedbackAsync(log, ct);
            }
            Map(app, metrics, auth, runtime);
            try
            {
                await app.StartAsync(ct);
                if (runtime is not null) await runtime.StartAsync(ct);
            }
            catch (IOException e)
            {
                throw new KeelInputException($"cannot listen on {options.Host}:{options.Port}: {e.Message}", e);
            }
            var bound = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new ServingHost(app, log, runtime, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
        }
        catch
        {
            await app.DisposeAsync();
            if (log is not null) await log.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until <paramref name="ct"/> is cancelled or the host stops.</summary>
    public Task WaitAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    /// <summary>Stops listening (requests in progress finish), writes the queued predictions and closes the log.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        if (_deployment is not null)
        {
            await _deployment.StopAsync(CancellationToken.None);
            _deployment.Dispose();
        }
        await _app.DisposeAsync();
        if (_log is not null) await _log.DisposeAsync();
    }

    private static IPAddress Listen(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        if (!IPAddress.TryParse(host, out var ip))
            throw new KeelInputException($"--host '{host}': expected an IP address such as 127.0.0.1 or localhost.");
        return ip;
    }

    private static void Map(WebApplication app, ServingMetrics metrics, BearerAuth auth, DeploymentRuntime? deployment)
    {
        app.Use(async (ctx, next) =>
        {
            metrics.InFlight.Inc();
            try
            {
                await next(ctx);
            }
            catch (Exception e) when (!ctx.Response.HasStarted)
            {
                await WriteErrorAsync(ctx, e);
            }
            finally
            {
                metrics.InFlight.Dec();
            }
        });
        app.UseStatusCodePages(async c =>
        {
            var r = c.HttpContext.Response;
            if (r.ContentType is not null) return;
            var req = c.HttpContext.Request;
            await Error(c.HttpContext, r.StatusCode, r.StatusCode == 405 ? "METHOD_NOT_ALLOWED" : "RESOURCE_DOES_NOT_EXIST",
                r.StatusCode == 405 ? $"{req.Method} is not allowed on {req.Path}." : $"no endpoint {req.Method} {req.Path}; see docs/serving.md.");
        });

        var scoring = app.Services.GetRequiredService<ScoringEndpoint>();
        var catalog = app.Services.GetRequiredService<IModelCatalog>();
        app.MapPost("/invocations", scoring.InvocationsAsync);
        app.MapPost("/v2/models/{name}/infer", (HttpContext c, string name) => scoring.InferAsync(c, name));
        // MLflow's scoring server answers its health probes here, so probes written for `mlflow models serve` keep working.
        app.MapGet("/ping", () => Results.Text("\n", "application/json"));
        app.MapGet("/health", () => Results.Text("\n", "application/json"));
        app.MapGet("/v2/health/live", () => Results.Json(new { live = true }));
        app.MapGet("/v2/health/ready", () => Results.Json(new { ready = catalog.Names.All(n => catalog.Current(n) is not null) }));
        app.MapGet("/v2", () => Results.Json(new { name = "keel", version = typeof(ServingHost).Assembly.GetName().Version?.ToString(), extensions = Array.Empty<string>() }));
        app.MapGet("/v2/models/{name}", (string name) => Metadata(catalog, name));
        app.MapGet("/v2/models/{name}/ready", (string name) => catalog.Current(name) is not null
            ? Results.Json(new { name, ready = true })
            : throw NotServed(catalog, name));
        app.MapPost("/feedback", (HttpContext c) => FeedbackEndpoint.HandleAsync(c, auth, deployment));
        AdminEndpoints.Map(app, auth, deployment);
        app.MapMetrics("/metrics", metrics.Registry);
    }

    private static IResult Metadata(IModelCatalog catalog, string name)
    {
        var m = catalog.Current(name) ?? throw NotServed(catalog, name);
        return Results.Json(new
        {
            name = m.Name,
            versions = new[] { m.Version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            platform = "keel",
            candidate = m.Version.Candidate,
            task = m.Version.Task,
            classes = m.Model.Classes,
            model_sha256 = m.Version.ModelSha256,
            inputs = m.InputSchema.Columns.Select(c => new
            {
                name = c.Name,
                datatype = c.Type switch
                {
                    Keel.Core.Data.ColumnType.Numeric => "FP64",
                    Keel.Core.Data.ColumnType.Boolean => "BOOL",
                    _ => "BYTES",
                },
                shape = new[] { -1 },
                keel_type = c.Type.ToString().ToLowerInvariant(),
            }),
            outputs = m.Model.Classes.Count > 0
                ? new object[] { new { name = "predicted", datatype = "BYTES", shape = new[] { -1 } }, new { name = "probabilities", datatype = "FP64", shape = new[] { -1, m.Model.Classes.Count } } }
                : [new { name = "predicted", datatype = "FP64", shape = new[] { -1 } }],
        });
    }

    private static RequestException NotServed(IModelCatalog catalog, string name) =>
        new(404, "RESOURCE_DOES_NOT_EXIST", $"model '{name}' is not served here; served: {string.Join(", ", catalog.Names)}.");

    private static Task WriteErrorAsync(HttpContext ctx, Exception e)
    {
        switch (e)
        {
            case RequestException r:
                return Error(ctx, r.Status, r.Code, r.Message);
            case BadHttpRequestException b:
                return Error(ctx, b.StatusCode, b.StatusCode == 413 ? "REQUEST_TOO_LARGE" : "BAD_REQUEST",
                    b.StatusCode == 413 ? $"the request body is larger than the {ctx.RequestServices.GetRequiredService<ServeOptions>().MaxRequestBodyBytes} bytes accepted." : b.Message);
            case KeelInputException k:
                return Error(ctx, 400, "BAD_REQUEST", k.Message);
            case InvalidOperationException { InnerException: System.Text.DecoderFallbackException d }:
                // A JSON string with bytes that are not UTF-8 (JsonDocument checks only when the string is read), on any endpoint.
                return Error(ctx, 400, "BAD_REQUEST", ScoringEndpoint.InvalidUtf8(d));
            case OperationCanceledException when ctx.RequestAborted.IsCancellationRequested:
                return Task.CompletedTask;
            default:
                ctx.RequestServices.GetRequiredService<ILogger<ServingHost>>().LogError(e, "Unexpected error answering {Method} {Path}", ctx.Request.Method, ctx.Request.Path);
                return Error(ctx, 500, "INTERNAL_ERROR", $"unexpected {e.GetType().Name}; see the server log.");
        }
    }

    internal static async Task Error(HttpContext ctx, int status, string code, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter, PredictionJson.WriterOptions);
        w.WriteStartObject();
        w.WriteString("error_code", code);
        w.WriteString("message", message);
        w.WriteEndObject();
    }
}
