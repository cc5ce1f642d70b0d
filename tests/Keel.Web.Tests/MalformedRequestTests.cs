using System.Net;
using System.Text;
using Keel.Core.Deployments;

namespace Keel.Web.Tests;

/// <summary>A few hundred malformed requests, each answered 4xx with a JSON error; nothing is stored (bench/api runs 1,000).</summary>
public sealed class MalformedRequestTests : IAsyncLifetime
{
    private ServerFixture _f = null!;

    public async Task InitializeAsync() => _f = await ServerFixture.StartAsync(new WebOptions { MaxJsonBytes = 64 * 1024 });

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task MalformedRequests_Hundreds_All4xxNothingStored()
    {
        using var http = _f.Client(await _f.TokenAsync(TokenRole.Admin));
        var run = await http.PostAsync("api/v1/runs", new StringContent("{\"experiment\":\"e\"}", Encoding.UTF8, "application/json"));
        var id = System.Text.Json.JsonDocument.Parse(await run.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var before = await _f.Store.Tracking.GetRunAsync(id);
        // bench/api/malformed.sh sets KEEL_MALFORMED_COUNT=1000; the test suite sends a representative 300.
        var count = int.TryParse(Environment.GetEnvironmentVariable("KEEL_MALFORMED_COUNT"), out var n) ? n : 300;
        var requests = MalformedRequests.For(id, new Random(7)).Take(count).ToList();
        var statuses = new List<(int Status, string What)>();
        foreach (var (method, url, body) in requests)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
            using var response = await http.SendAsync(request);
            statuses.Add(((int)response.StatusCode, $"{method} {url}"));
            if ((int)response.StatusCode is >= 400 and < 500)
                Assert.True((await response.Content.ReadAsStringAsync()).Contains("\"error\"", StringComparison.Ordinal), $"{method} {url}: no JSON error");
        }
        Assert.DoesNotContain(statuses, s => s.Status is < 400 or >= 500);
        Console.WriteLine($"malformed requests: {statuses.Count} sent, {statuses.Count(s => s.Status is >= 400 and < 500)} answered 4xx, {statuses.Count(s => s.Status >= 500)} 5xx; "
            + string.Join(", ", statuses.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")));
        var after = await _f.Store.Tracking.GetRunAsync(id);
        Assert.Equal((before!.Params.Count, before.Tags.Count, before.Metrics.Count, before.Status), (after!.Params.Count, after.Tags.Count, after.Metrics.Count, after.Status));
        Assert.Single(await _f.Store.Tracking.ListExperimentsAsync());
        Assert.Empty(await _f.Store.Tracking.ListArtifactsAsync(id));
    }
}
