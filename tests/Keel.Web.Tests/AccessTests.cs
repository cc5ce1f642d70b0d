using System.Net;
using System.Net.Http.Json;
using Keel.Core;
using Keel.Core.Deployments;

namespace Keel.Web.Tests;

/// <summary>Tokens, roles, scopes, the loopback rule and the audit log, over a real server.</summary>
public sealed class AccessTests : IAsyncLifetime
{
    private ServerFixture _f = null!;

    public async Task InitializeAsync() => _f = await ServerFixture.StartAsync();

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task CreateRun_NoToken_401AndNothingStored()
    {
        using var http = _f.Client();
        var response = await http.PostAsJsonAsync("api/v1/runs", new { experiment = "churn" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"field\":\"Authorization\"", await response.Content.ReadAsStringAsync());
        Assert.Empty(await _f.Store.Tracking.ListExperimentsAsync());
    }

    [Fact]
    public async Task CreateRun_WrongToken_401()
    {
        var real = await _f.TokenAsync(TokenRole.Write);
        using var http = _f.Client(real[..^2] + "xx");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("api/v1/runs", new { experiment = "churn" })).StatusCode);
    }

    [Fact]
    public async Task CreateRun_ReadToken_403ButReadsWork()
    {
        using var http = _f.Client(await _f.TokenAsync(TokenRole.Read));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsJsonAsync("api/v1/runs", new { experiment = "churn" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/v1/experiments")).StatusCode);
        Assert.Empty(await _f.Store.Tracking.ListExperimentsAsync());
    }

    [Fact]
    public async Task ScopedToken_OutsideScope_403InsideScope201()
    {
        using var admin = _f.Client(await _f.TokenAsync(TokenRole.Admin));
        var other = await (await admin.PostAsJsonAsync("api/v1/runs", new { experiment = "other" })).Content.ReadFromJsonAsync<RunJson>();
        using var scoped = _f.Client(await _f.TokenAsync(TokenRole.Write, experiments: ["churn"]));
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.PostAsJsonAsync("api/v1/runs", new { experiment = "credit" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.PostAsJsonAsync($"api/v1/runs/{other!.Id}/batch", new { tags = new { a = "b" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync($"api/v1/runs/{other.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await scoped.PostAsJsonAsync("api/v1/runs", new { experiment = "churn" })).StatusCode);
        Assert.Empty((await _f.Store.Tracking.GetRunAsync(other.Id))!.Tags);
    }

    [Fact]
    public async Task ScopedModelToken_OtherModelAlias_403()
    {
        using var http = _f.Client(await _f.TokenAsync(TokenRole.Write, models: ["churn-model"]));
        var response = await http.PutAsJsonAsync("api/v1/models/credit/aliases/champion", new { version = 1 });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Writes_AuditRowsWithActorActionTargetAndStatus()
    {
        var token = await _f.TokenAsync(TokenRole.Write);
        using var http = _f.Client(token);
        var run = await (await http.PostAsJsonAsync("api/v1/runs", new { experiment = "churn" })).Content.ReadFromJsonAsync<RunJson>();
        await http.PostAsJsonAsync($"api/v1/runs/{run!.Id}/batch", new { @params = new { lr = "0.1" } });
        using var anonymous = _f.Client();
        await anonymous.PostAsJsonAsync("api/v1/runs", new { experiment = "x" });
        await http.GetAsync($"api/v1/runs/{run.Id}");
        var log = await _f.Store.Audit.ListAsync(100);
        Assert.Equal(3, log.Count);
        var id = ApiTokens.IdOf(token)!;
        Assert.Equal(($"token {id} (Write-test)", "POST /api/v1/runs", $"run {run.Id}", 201), (log[0].Actor, log[0].Action, log[0].Target, log[0].Status));
        Assert.Equal(($"POST /api/v1/runs/{run.Id}/batch", 200), (log[1].Action, log[1].Status));
        Assert.Equal(("anonymous", 401), (log[2].Actor, log[2].Status));
    }

    [Fact]
    public async Task Write_AuditRowStoredBeforeTheAnswerStarts()
    {
        // A client that has the answer's status line finds the request in the audit log. Another connection holds the store's
        // write lock for a second, so the audit row has to wait for it; the answer must wait for the row (before, it went first).
        using var http = _f.Client();
        await using var blocker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_f.Store.DatabasePath}");
        await blocker.OpenAsync();
        using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }
        var answer = http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/v1/nowhere") { Content = JsonContent.Create(new { }) }, HttpCompletionOption.ResponseHeadersRead);
        await Task.WhenAny(answer, Task.Delay(TimeSpan.FromSeconds(1)));
        using (var commit = blocker.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync();
        }

        using var response = await answer;
        var rows = await _f.Store.Audit.ListAsync(10);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var row = Assert.Single(rows);
        Assert.Equal(("POST /api/v1/nowhere", 404), (row.Action, row.Status));
    }

    [Fact]
    public async Task Start_BeyondLoopbackWithoutTokens_Refused()
    {
        await using var store = await Keel.Tracking.KeelStore.OpenAsync(new Keel.Tracking.StoreOptions { Uri = Path.Combine(_f.Folder, "other") });
        var e = await Assert.ThrowsAsync<KeelInputException>(() => TrackingServer.StartAsync(new WebOptions { Host = "0.0.0.0", Port = 0 }, store));
        Assert.Contains("needs tokens", e.Message);
    }

    [Fact]
    public async Task Start_BeyondLoopbackWithToken_ReadsNeedToken()
    {
        var token = await _f.TokenAsync(TokenRole.Read);
        await using var server = await TrackingServer.StartAsync(new WebOptions { Host = "0.0.0.0", Port = 0 }, _f.Store);
        Assert.True(server.ReadsNeedToken);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Address.Port}/") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("api/v1/experiments")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/v1/experiments")).StatusCode);
    }
}

/// <summary>The fields of a run the tests read back.</summary>
public sealed record RunJson(string Id, string Name, string Status);
