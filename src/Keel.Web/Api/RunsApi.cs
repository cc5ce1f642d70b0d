using System.Globalization;
using Keel.Core;
using Keel.Core.Deployments;
using Keel.Core.Tracking;
using Keel.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Web.Api;

/// <summary>/api/v1/experiments and /api/v1/runs: experiments, runs, their status, logged batches, metric history and search.</summary>
internal sealed class RunsApi(KeelStore store, Access access, WebOptions options, TimeProvider time)
{
    private const int MaxBatchMetrics = 10_000;

    public void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/experiments", (Func<HttpContext, Task<IResult>>)ListExperimentsAsync);
        api.MapPost("/experiments", (Func<HttpContext, Task<IResult>>)CreateExperimentAsync);
        api.MapPost("/runs", (Func<HttpContext, Task<IResult>>)CreateRunAsync);
        api.MapGet("/runs", (Func<HttpContext, Task<IResult>>)SearchAsync);
        api.MapGet("/runs/{id}", GetRunAsync);
        api.MapPost("/runs/{id}/status", SetStatusAsync);
        api.MapPost("/runs/{id}/batch", LogBatchAsync);
        api.MapGet("/runs/{id}/metrics", MetricHistoryAsync);
    }

    private async Task<IResult> ListExperimentsAsync(HttpContext ctx)
    {
        var token = access.Require(ctx, TokenRole.Read);
        var all = await store.Tracking.ListExperimentsAsync(ctx.RequestAborted);
        return ApiJson.Ok(new { experiments = all.Where(e => token is null || token.CoversExperiment(e.Name)) });
    }

    private async Task<IResult> CreateExperimentAsync(HttpContext ctx)
    {
        var body = await JsonBody.ReadAsync(ctx.Request, options.MaxJsonBytes, ctx.RequestAborted);
        var name = body.String("name", 250);
        access.RequireExperiment(ctx, TokenRole.Write, name);
        ctx.Items[Access.TargetItem] = $"experiment {name}";
        return ApiJson.Ok(await store.Tracking.GetOrCreateExperimentAsync(name, ctx.RequestAborted), 201);
    }

    private async Task<IResult> CreateRunAsync(HttpContext ctx)
    {
        var body = await JsonBody.ReadAsync(ctx.Request, options.MaxJsonBytes, ctx.RequestAborted);
        var experiment = body.String("experiment", 250);
        var name = body.OptionalString("name", 250) ?? "run";
        var start = body.OptionalTime("start_time") ?? time.GetUtcNow();
        var tags = body.StringMap("tags");
        access.RequireExperiment(ctx, TokenRole.Write, experiment);
        var e = await store.Tracking.GetOrCreateExperimentAsync(experiment, ctx.RequestAborted);
        var run = await store.Tracking.CreateRunAsync(e.Id, name, start, tags, ctx.RequestAborted);
        ctx.Items[Access.TargetItem] = $"run {run.Id}";
        return ApiJson.Ok(ApiJson.Run(run), 201);
    }

    private async Task<IResult> GetRunAsync(HttpContext ctx, string id)
    {
        var run = await RunForAsync(ctx, id, TokenRole.Read);
        return ApiJson.Ok(ApiJson.Run(run));
    }

    private async Task<IResult> SearchAsync(HttpContext ctx)
    {
        var token = access.Require(ctx, TokenRole.Read);
        var q = ctx.Request.Query;
        var experiments = await store.Tracking.ListExperimentsAsync(ctx.RequestAborted);
        var names = q["experiment"].Where(n => !string.IsNullOrEmpty(n)).Select(n => n!).ToList();
        if (names.Count == 0 && token is { IsScoped: true }) names = [.. token.Experiments];
        var ids = new List<string>();
        foreach (var n in names)
        {
            if (token is not null && !token.CoversExperiment(n))
                throw new ApiException(403, "experiment", $"token {token.Id} is limited to other experiments than '{n}'");
            ids.Add(experiments.FirstOrDefault(e => e.Name == n)?.Id ?? throw new ApiException(404, "experiment", $"experiment: no experiment called '{n}'"));
        }
        var max = 100;
        if (q["max_results"].ToString() is { Length: > 0 } m && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > 1000))
            throw ApiException.Bad("max_results", "a whole number from 1 to 1000");
        var query = new RunQuery
        {
            ExperimentIds = ids,
            Filter = Optional(q["filter"]),
            OrderBy = Optional(q["order_by"]),
            MaxResults = max,
            PageToken = Optional(q["page_token"]),
        };
        RunPage page;
        try { page = await store.Tracking.SearchRunsAsync(query, ctx.RequestAborted); }
        catch (KeelInputException e) when (e is not KeelNotFoundException)
        {
            var field = e.Message.StartsWith("run order_by", StringComparison.Ordinal) ? "order_by" : e.Message.StartsWith("run search page token", StringComparison.Ordinal) ? "page_token" : "filter";
            throw new ApiException(400, field, $"{field}: {e.Message}");
        }
        return ApiJson.Ok(new { runs = page.Runs.Select(ApiJson.Run), next_page_token = page.NextPageToken });
    }

    private async Task<IResult> SetStatusAsync(HttpContext ctx, string id)
    {
        var body = await JsonBody.ReadAsync(ctx.Request, options.MaxJsonBytes, ctx.RequestAborted);
        var text = body.String("status", 20);
        if (!Enum.TryParse<RunStatus>(text, ignoreCase: true, out var status) || status == RunStatus.Running || !Enum.IsDefined(status) || char.IsDigit(text[0]))
            throw ApiException.Bad("status", "one of 'finished', 'failed', 'killed'");
        var end = body.OptionalTime("end_time") ?? time.GetUtcNow();
        var run = await RunForAsync(ctx, id, TokenRole.Write);
        await store.Tracking.SetRunStatusAsync(run.Id, status, end, ctx.RequestAborted);
        return ApiJson.Ok(ApiJson.Run((await store.Tracking.GetRunAsync(run.Id, ctx.RequestAborted))!));
    }

    private async Task<IResult> LogBatchAsync(HttpContext ctx, string id)
    {
        var body = await JsonBody.ReadAsync(ctx.Request, options.MaxJsonBytes, ctx.RequestAborted);
        var now = time.GetUtcNow();
        var metrics = new List<MetricPoint>();
        foreach (var (item, name) in body.Array("metrics", MaxBatchMetrics))
        {
            var key = item.TryGetProperty("key", out var k) && k.ValueKind == System.Text.Json.JsonValueKind.String && k.GetString() is { Length: > 0 and <= 250 } ks && !ks.Any(char.IsControl)
                ? ks : throw ApiException.Bad($"{name}.key", "a metric name of 1 to 250 characters");
            var value = item.TryGetProperty("value", out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d)
                ? d : throw ApiException.Bad($"{name}.value", "a finite number");
            long step = 0;
            if (item.TryGetProperty("step", out var s) && s.ValueKind != System.Text.Json.JsonValueKind.Null
                && (s.ValueKind != System.Text.Json.JsonValueKind.Number || !s.TryGetInt64(out step) || step < 0))
                throw ApiException.Bad($"{name}.step", "a whole number 0 or above");
            var at = item.TryGetProperty("timestamp", out var t) && t.ValueKind != System.Text.Json.JsonValueKind.Null ? JsonBody.Time(t, $"{name}.timestamp") : now;
            metrics.Add(new MetricPoint(key, value, step, at));
        }
        var batchKey = ctx.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } h
            ? h.Length <= 200 && !h.Any(char.IsControl) ? h : throw ApiException.Bad("Idempotency-Key", "1 to 200 printable characters")
            : null;
        var batch = new LogBatch { Params = body.StringMap("params"), Tags = body.StringMap("tags"), Metrics = metrics, IdempotencyKey = batchKey };
        var run = await RunForAsync(ctx, id, TokenRole.Write);
        await store.Tracking.LogBatchAsync(run.Id, batch, ctx.RequestAborted);
        return ApiJson.Ok(new { run_id = run.Id, @params = batch.Params.Count, metrics = metrics.Count, tags = batch.Tags.Count });
    }

    private async Task<IResult> MetricHistoryAsync(HttpContext ctx, string id)
    {
        var key = Optional(ctx.Request.Query["key"]) ?? throw ApiException.Bad("key", "a metric name, e.g. ?key=loss");
        var run = await RunForAsync(ctx, id, TokenRole.Read);
        return ApiJson.Ok(new { run_id = run.Id, key, points = await store.Tracking.GetMetricHistoryAsync(run.Id, key, ctx.RequestAborted) });
    }

    /// <summary>The run, after checking the caller may act on its experiment; 404 (naming the field) when there is none.</summary>
    public async Task<Run> RunForAsync(HttpContext ctx, string id, TokenRole role)
    {
        if (id.Length is < 6 or > 64 || !id.All(char.IsAsciiLetterOrDigit)) throw ApiException.Bad("run id", "6 to 64 letters or digits");
        access.Require(ctx, role);
        var run = await store.Tracking.GetRunAsync(id, ctx.RequestAborted) ?? throw new ApiException(404, "run id", $"run id: no run '{id}'");
        if (Access.TokenOf(ctx) is { IsScoped: true })
        {
            var experiment = (await store.Tracking.ListExperimentsAsync(ctx.RequestAborted)).First(e => e.Id == run.ExperimentId);
            access.RequireExperiment(ctx, role, experiment.Name);
        }
        if (role != TokenRole.Read) ctx.Items[Access.TargetItem] = $"run {run.Id}";
        return run;
    }

    private static string? Optional(Microsoft.Extensions.Primitives.StringValues v) => v.ToString() is { Length: > 0 } s ? s : null;
}
