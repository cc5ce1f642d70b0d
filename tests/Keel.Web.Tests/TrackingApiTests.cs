using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Web.Tests;

/// <summary>The REST tracking API end to end over a real server and SQLite store: runs, batches, history, search, registry.</summary>
public sealed class TrackingApiTests : IAsyncLifetime
{
    private ServerFixture _f = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _f = await ServerFixture.StartAsync();
        _http = _f.Client(await _f.TokenAsync(TokenRole.Admin));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _f.DisposeAsync();
    }

    private async Task<string> NewRunAsync(string name, string experiment = "churn")
    {
        var response = await _http.PostAsJsonAsync("api/v1/runs", new { experiment, name, tags = new { team = "risk" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RunJson>())!.Id;
    }

    private async Task<JsonElement> GetAsync(string url)
    {
        var response = await _http.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task LogBatch_ParamsMetricStepsTags_StoredAndHistoryReturned()
    {
        var id = await NewRunAsync("a");
        var batch = new
        {
            @params = new { lr = "0.1" },
            tags = new { stage = "dev" },
            metrics = new[] { new { key = "loss", value = 0.9, step = 0 }, new { key = "loss", value = 0.5, step = 1 }, new { key = "auc", value = 0.8, step = 0 } },
        };
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsJsonAsync($"api/v1/runs/{id}/batch", batch)).StatusCode);
        var run = (await _f.Store.Tracking.GetRunAsync(id))!;
        Assert.Equal(("0.1", "dev", 0.5), (run.Params["lr"], run.Tags["stage"], run.Metrics["loss"]));
        var history = await GetAsync($"api/v1/runs/{id}/metrics?key=loss");
        Assert.Equal([0.9, 0.5], history.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
        var got = await GetAsync($"api/v1/runs/{id}");
        Assert.Equal("running", got.GetProperty("status").GetString());
        Assert.Equal(0.8, got.GetProperty("metrics").GetProperty("auc").GetDouble());
    }

    [Fact]
    public async Task LogBatch_SameIdempotencyKeyTwice_StoredOnceAndBadKey400()
    {
        var id = await NewRunAsync("keyed");
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/runs/{id}/batch")
            {
                Content = JsonContent.Create(new { metrics = new[] { new { key = "loss", value = 0.9, step = 0 } } }),
                Headers = { { "Idempotency-Key", "retry-me" } },
            };
            Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(request)).StatusCode);
        }
        Assert.Single(await _f.Store.Tracking.GetMetricHistoryAsync(id, "loss"));

        using var bad = new HttpRequestMessage(HttpMethod.Post, $"api/v1/runs/{id}/batch")
        {
            Content = JsonContent.Create(new { metrics = new[] { new { key = "loss", value = 0.1, step = 1 } } }),
            Headers = { { "Idempotency-Key", new string('k', 201) } },
        };
        var answer = await _http.SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("Idempotency-Key", await answer.Content.ReadAsStringAsync());
        Assert.Single(await _f.Store.Tracking.GetMetricHistoryAsync(id, "loss"));
    }

    [Fact]
    public async Task LogBatch_ClientDiesMidBody_NothingOfTheBatchStoredAndServerAnswers()
    {
        var id = await NewRunAsync("cut");
        var token = await _f.TokenAsync(TokenRole.Write);
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            metrics = Enumerable.Range(0, 2000).Select(i => new { key = "loss", value = 1.0 / (i + 1), step = i }),
        });
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync(_f.Server.Address.Host, _f.Server.Address.Port);
            var stream = socket.GetStream();
            var head = $"POST /api/v1/runs/{id}/batch HTTP/1.1\r\nHost: {_f.Server.Address.Authority}\r\nAuthorization: Bearer {token}\r\n"
                + $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await stream.FlushAsync();
            // Like a process killed mid-request: the connection is reset with half the body sent.
            socket.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        }
        var whole = await _http.PostAsJsonAsync($"api/v1/runs/{id}/batch", new { metrics = new[] { new { key = "auc", value = 0.8, step = 0 } } });
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Empty(await _f.Store.Tracking.GetMetricHistoryAsync(id, "loss"));
        Assert.Single(await _f.Store.Tracking.GetMetricHistoryAsync(id, "auc"));
    }

    [Fact]
    public async Task SetStatus_Finished_StoredWithEndTime()
    {
        var id = await NewRunAsync("a");
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsJsonAsync($"api/v1/runs/{id}/status", new { status = "finished" })).StatusCode);
        Assert.Equal(RunStatus.Finished, (await _f.Store.Tracking.GetRunAsync(id))!.Status);
        var again = await _http.PostAsJsonAsync($"api/v1/runs/{id}/status", new { status = "failed" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(RunStatus.Finished, (await _f.Store.Tracking.GetRunAsync(id))!.Status);
    }

    [Fact]
    public async Task Search_FilterWithOrAndParenthesesOrderAndPages_MatchesStore()
    {
        foreach (var (name, auc) in new[] { ("a", 0.7), ("b", 0.9), ("c", 0.8), ("d", 0.6) })
        {
            var id = await NewRunAsync(name);
            await _http.PostAsJsonAsync($"api/v1/runs/{id}/batch", new { metrics = new[] { new { key = "auc", value = auc } } });
        }
        var filter = Uri.EscapeDataString("(metrics.auc > 0.85 or name = 'a') or (name = 'c' and tags.team = 'risk')");
        var page1 = await GetAsync($"api/v1/runs?experiment=churn&filter={filter}&order_by=metrics.auc%20desc&max_results=2");
        Assert.Equal(["b", "c"], page1.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        var token = page1.GetProperty("next_page_token").GetString()!;
        var page2 = await GetAsync($"api/v1/runs?experiment=churn&filter={filter}&order_by=metrics.auc%20desc&max_results=2&page_token={Uri.EscapeDataString(token)}");
        Assert.Equal(["a"], page2.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("filter=name%20%3D%20'a'%20or", "filter")]
    [InlineData("filter=(name%20%3D%20'a'", "filter")]
    [InlineData("order_by=colour", "order_by")]
    [InlineData("page_token=nonsense", "page_token")]
    [InlineData("max_results=0", "max_results")]
    public async Task Search_BadQuery_400NamingTheField(string query, string field)
    {
        var response = await _http.GetAsync($"api/v1/runs?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("field").GetString());
    }

    [Fact]
    public async Task Aliases_SetMoveDelete_HistoryListsEveryMove()
    {
        var id = await NewRunAsync("a");
        for (var i = 0; i < 2; i++)
            await _f.Store.Registry.RegisterAsync(new ModelVersion
            {
                Name = "credit", SourceRunId = id, ModelSha256 = new string('a', 64), Candidate = "lgbm", Task = "binary",
                SchemaJson = "{\"columns\":[]}", DataSha256 = new string('d', 64), Metrics = new Dictionary<string, double>(),
            });
        Assert.Equal(HttpStatusCode.OK, (await _http.PutAsJsonAsync("api/v1/models/credit/aliases/champion", new { version = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.PutAsJsonAsync("api/v1/models/credit/aliases/champion", new { version = 2, reason = "better" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PutAsJsonAsync("api/v1/models/credit/aliases/champion", new { version = 7 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.DeleteAsync("api/v1/models/credit/aliases/champion")).StatusCode);
        var events = (await GetAsync("api/v1/models/credit/aliases/history")).GetProperty("events").EnumerateArray().ToArray();
        Assert.Equal([1, 2, 0], events.Select(e => e.GetProperty("to_version").ValueKind == JsonValueKind.Null ? 0 : e.GetProperty("to_version").GetInt32()));
        Assert.Equal(2, (await GetAsync("api/v1/models/credit/versions")).GetProperty("versions").GetArrayLength());
        Assert.Equal(2, (await GetAsync("api/v1/models/credit")).GetProperty("latest_version").GetInt32());
    }
}
