using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Keel.Monitoring.Alerts;

namespace Keel.Monitoring.Tests.Alerts;

/// <summary>The webhook sink against a real HTTP listener on 127.0.0.1.</summary>
public sealed class WebhookSinkTests
{
    private static readonly AlertNotice Notice = new("credit@champion", AlertRule.Parse("drift_share > 0.3"), 0.42, "2026-03",
        new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero));

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Answers each request with the next status of <paramref name="statuses"/>, recording the bodies.</summary>
    private static async Task<List<string>> ServeAsync(HttpListener listener, params int[] statuses)
    {
        var bodies = new List<string>();
        foreach (var status in statuses)
        {
            var ctx = await listener.GetContextAsync();
            using (var reader = new StreamReader(ctx.Request.InputStream)) bodies.Add(await reader.ReadToEndAsync());
            ctx.Response.StatusCode = status;
            ctx.Response.Close();
        }
        return bodies;
    }

    private static (HttpListener Listener, Uri Url) Listen()
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}/hook/");
        var listener = new HttpListener();
        listener.Prefixes.Add(url.ToString());
        listener.Start();
        return (listener, url);
    }

    [Fact]
    public async Task DeliverAsync_FirstAnswer500_RetriedAndDeliveredWithJsonBody()
    {
        var (listener, url) = Listen();
        using (listener)
        {
            var server = ServeAsync(listener, 500, 200);
            using var client = new HttpClient();
            var sink = AlertSinks.Webhook(new WebhookOptions { Url = url, Backoff = TimeSpan.FromMilliseconds(10), Retries = 2 }, client, TimeProvider.System);
            await sink.DeliverAsync(Notice, CancellationToken.None);
            var bodies = await server;
            Assert.Equal(2, bodies.Count);
            using var doc = JsonDocument.Parse(bodies[1]);
            Assert.Equal(("drift_share > 0.3", 0.42, "credit@champion"),
                (doc.RootElement.GetProperty("rule").GetString(), doc.RootElement.GetProperty("value").GetDouble(), doc.RootElement.GetProperty("scope").GetString()));
        }
    }

    [Fact]
    public async Task DeliverAsync_AlwaysFailing_GivesUpAfterRetriesNamingLastAnswer()
    {
        var (listener, url) = Listen();
        using (listener)
        {
            var server = ServeAsync(listener, 503, 503, 503);
            using var client = new HttpClient();
            var sink = AlertSinks.Webhook(new WebhookOptions { Url = url, Backoff = TimeSpan.FromMilliseconds(5), Retries = 2 }, client, TimeProvider.System);
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => sink.DeliverAsync(Notice, CancellationToken.None));
            Assert.Contains("503", e.Message, StringComparison.Ordinal);
            Assert.Equal(3, (await server).Count);
        }
    }

    [Fact]
    public async Task DeliverAsync_ClientError_NotRetried()
    {
        var (listener, url) = Listen();
        using (listener)
        {
            var server = ServeAsync(listener, 400);
            using var client = new HttpClient();
            var sink = AlertSinks.Webhook(new WebhookOptions { Url = url, Backoff = TimeSpan.FromMilliseconds(5), Retries = 3 }, client, TimeProvider.System);
            await Assert.ThrowsAsync<HttpRequestException>(() => sink.DeliverAsync(Notice, CancellationToken.None));
            Assert.Single(await server);
        }
    }

    [Fact]
    public async Task DeliverAsync_NoAnswerWithinTimeout_RetriedThenDelivered()
    {
        var (listener, url) = Listen();
        using (listener)
        {
            var server = Task.Run(async () =>
            {
                var slow = await listener.GetContextAsync(); // never answered in time: the sink's timeout fires
                var ctx = await listener.GetContextAsync();
                ctx.Response.StatusCode = 200;
                ctx.Response.Close();
                slow.Response.Abort();
            });
            using var client = new HttpClient();
            // The first request is held until the second is answered, so it times out whatever the timeout; 2 s leaves the retry
            // room to be answered on a loaded CI machine (0.2 s did not).
            var sink = AlertSinks.Webhook(new WebhookOptions { Url = url, Timeout = TimeSpan.FromSeconds(2), Backoff = TimeSpan.FromMilliseconds(5), Retries = 1 },
                client, TimeProvider.System);
            await sink.DeliverAsync(Notice, CancellationToken.None);
            await server;
        }
    }
}
