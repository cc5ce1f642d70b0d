using System.Net;
using Keel.Client;
using Keel.Core;
using Keel.Core.Deployments;
using Keel.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Keel.Web.Tests;

/// <summary>Keel.Client against a real tracking server on loopback, against a local store, and against a real server that fails first.</summary>
public sealed class KeelClientTests : IAsyncLifetime
{
    private ServerFixture _f = null!;

    public async Task InitializeAsync() => _f = await ServerFixture.StartAsync();

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private static async Task<string> LogSampleRunAsync(IKeelClient keel, string artifact)
    {
        await using var run = await keel.StartRunAsync("churn", "trial-1", new Dictionary<string, string> { ["team"] = "risk" });
        await run.LogParamAsync("lr", "0.1");
        for (var step = 0; step < 10; step++) await run.LogMetricAsync("loss", 1.0 / (step + 1), step);
        await run.SetTagAsync("stage", "dev");
        var entry = await run.LogArtifactAsync(artifact, "notes/readme.txt");
        Assert.Equal(("notes/readme.txt", 5L), (entry.Path, entry.Bytes));
        return run.Id;
    }

    private static void AssertSample(Run run)
    {
        Assert.Equal((RunStatus.Finished, "0.1", "dev", "risk", 0.1), (run.Status, run.Params["lr"], run.Tags["stage"], run.Tags["team"], run.Metrics["loss"]));
    }

    [Fact]
    public async Task RemoteRun_ParamsMetricsTagsArtifact_StoredOnServerInBatches()
    {
        var file = Path.Combine(_f.Folder, "readme.txt");
        await File.WriteAllTextAsync(file, "hello");
        await using (var keel = await KeelClient.ConnectAsync(new KeelClientOptions { ServerUrl = _f.Server.Address, Token = await _f.TokenAsync(TokenRole.Write), BatchSize = 4 }))
        {
            var id = await LogSampleRunAsync(keel, file);
            AssertSample((await _f.Store.Tracking.GetRunAsync(id))!);
            Assert.Equal(10, (await _f.Store.Tracking.GetMetricHistoryAsync(id, "loss")).Count);
            // 1 param + 10 points + 1 tag in batches of 4: sent as 4, 4, then the rest before the artifact.
            Assert.Equal(3, (await _f.Store.Audit.ListAsync(100)).Count(e => e.Action.EndsWith("/batch", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task LocalRun_SameCalls_StoredStraightInStore()
    {
        var file = Path.Combine(_f.Folder, "readme.txt");
        await File.WriteAllTextAsync(file, "hello");
        var storeUri = Path.Combine(_f.Folder, "local");
        string id;
        await using (var keel = await KeelClient.ConnectAsync(new KeelClientOptions { Store = storeUri }))
            id = await LogSampleRunAsync(keel, file);
        await using var store = await Keel.Tracking.KeelStore.OpenAsync(new Keel.Tracking.StoreOptions { Uri = storeUri });
        AssertSample((await store.Tracking.GetRunAsync(id))!);
    }

    [Fact]
    public async Task RemoteRun_ReadToken_FailsWithServerMessageNoRetry()
    {
        await using var keel = await KeelClient.ConnectAsync(new KeelClientOptions { ServerUrl = _f.Server.Address, Token = await _f.TokenAsync(TokenRole.Read) });
        var e = await Assert.ThrowsAsync<KeelInputException>(() => keel.StartRunAsync("churn"));
        Assert.Contains("403", e.Message);
        Assert.Equal(1, ((HttpTransport)KeelClient.TransportOf(keel)).Attempts);
    }

    /// <summary>
    /// A real HTTP front on loopback that passes requests to the tracking server; <paramref name="intercept"/> sees each
    /// request first and may answer it (true) or let it through; <paramref name="after"/> may then spoil the answer.
    /// </summary>
    private async Task<WebApplication> FrontAsync(Func<HttpContext, bool> intercept, Func<HttpContext, bool>? after = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var front = builder.Build();
        var upstream = new HttpClient { BaseAddress = _f.Server.Address };
        front.Lifetime.ApplicationStopped.Register(upstream.Dispose);
        front.Run(async ctx =>
        {
            if (intercept(ctx)) return;
            using var forward = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), ctx.Request.Path + ctx.Request.QueryString) { Content = new StreamContent(ctx.Request.Body) };
            forward.Content.Headers.ContentType = new("application/json");
            forward.Headers.Authorization = System.Net.Http.Headers.AuthenticationHeaderValue.Parse(ctx.Request.Headers.Authorization!);
            if (ctx.Request.Headers.TryGetValue("Idempotency-Key", out var key)) forward.Headers.Add("Idempotency-Key", key.ToString());
            using var answer = await upstream.SendAsync(forward);
            if (after?.Invoke(ctx) == true) return;
            ctx.Response.StatusCode = (int)answer.StatusCode;
            await answer.Content.CopyToAsync(ctx.Response.Body);
        });
        await front.StartAsync();
        return front;
    }

    [Fact]
    public async Task RemoteRun_ServerAnswers503Twice_RetriedThenStored()
    {
        var failures = 2;
        await using var front = await FrontAsync(ctx =>
        {
            if (Interlocked.Decrement(ref failures) < 0) return false;
            ctx.Response.StatusCode = 503;
            return true;
        });
        await using var keel = await KeelClient.ConnectAsync(new KeelClientOptions
        {
            ServerUrl = new Uri(front.Urls.First()), Token = await _f.TokenAsync(TokenRole.Write), RetryDelay = TimeSpan.FromMilliseconds(1),
        });
        var run = await keel.StartRunAsync("churn", "retried");
        Assert.Equal(3, ((HttpTransport)KeelClient.TransportOf(keel)).Attempts);
        Assert.Equal("retried", (await _f.Store.Tracking.GetRunAsync(run.Id))!.Name);
    }

    [Fact]
    public async Task RemoteRun_AnswerToAStoredBatchLost_RetryStoresItOnce()
    {
        // The front lets the first batch reach the server, then drops the connection instead of answering: the client cannot
        // tell a stored batch from a lost one and sends it again, with the same idempotency key.
        var dropped = 0;
        await using var front = await FrontAsync(_ => false,
            ctx => ctx.Request.Path.Value!.EndsWith("/batch", StringComparison.Ordinal) && Interlocked.Exchange(ref dropped, 1) == 0 && Abort(ctx));
        await using var keel = await KeelClient.ConnectAsync(new KeelClientOptions
        {
            ServerUrl = new Uri(front.Urls.First()), Token = await _f.TokenAsync(TokenRole.Write), RetryDelay = TimeSpan.FromMilliseconds(1), BatchSize = 5,
        });
        string id;
        await using (var run = await keel.StartRunAsync("churn", "lost-answer"))
        {
            id = run.Id;
            for (var step = 0; step < 10; step++) await run.LogMetricAsync("loss", 1.0 / (step + 1), step);
        }
        Assert.Equal(1, dropped);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), (await _f.Store.Tracking.GetMetricHistoryAsync(id, "loss")).Select(p => p.Step));
        // Three batch requests reached the server (the first twice), two were stored.
        Assert.Equal(3, (await _f.Store.Audit.ListAsync(100)).Count(e => e.Action.EndsWith("/batch", StringComparison.Ordinal)));
    }

    private static bool Abort(HttpContext ctx)
    {
        ctx.Abort();
        return true;
    }

    [Fact]
    public async Task RemoteRun_NothingListening_GivesUpAfterRetriesNamingTheServer()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var keel = await KeelClient.ConnectAsync(new KeelClientOptions
        {
            ServerUrl = new Uri($"http://127.0.0.1:{port}/"), MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(1),
        });
        var e = await Assert.ThrowsAsync<KeelInputException>(() => keel.StartRunAsync("churn"));
        Assert.Contains("gave up after 3 tries", e.Message);
        Assert.Equal(3, ((HttpTransport)KeelClient.TransportOf(keel)).Attempts);
    }

    [Fact]
    public async Task Connect_BatchSizeZero_ThrowsInputNamingIt()
    {
        var e = await Assert.ThrowsAsync<KeelInputException>(() => KeelClient.ConnectAsync(new KeelClientOptions { ServerUrl = _f.Server.Address, BatchSize = 0 }));
        Assert.Contains("batch size 0", e.Message);
    }
}
