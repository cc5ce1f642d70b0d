using System.Net;
using System.Net.Http.Json;
using Keel.Client;
using Keel.Core.Deployments;
using Keel.Core.Tracking;

namespace Keel.Web.Tests;

/// <summary>The tracking server over a PostgreSQL store: the client's calls, access control and the audit log, as on SQLite.</summary>
public sealed class PostgresServerTests : IAsyncLifetime
{
    private ServerFixture _f = null!;

    public async Task InitializeAsync() => _f = await ServerFixture.StartAsync(postgres: true);

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task ClientRun_OnPostgres_StoredAuditedAndGuarded()
    {
        var file = Path.Combine(_f.Folder, "notes.txt");
        await File.WriteAllTextAsync(file, "hello");
        string id;
        await using (var keel = await KeelClient.ConnectAsync(new KeelClientOptions { ServerUrl = _f.Server.Address, Token = await _f.TokenAsync(TokenRole.Write), BatchSize = 4 }))
        {
            await using var run = await keel.StartRunAsync("churn", "pg");
            id = run.Id;
            for (var step = 0; step < 6; step++) await run.LogMetricAsync("loss", 1.0 / (step + 1), step);
            await run.LogArtifactAsync(file);
        }
        var stored = (await _f.Store.Tracking.GetRunAsync(id))!;
        Assert.Equal((RunStatus.Finished, 6), (stored.Status, (await _f.Store.Tracking.GetMetricHistoryAsync(id, "loss")).Count));
        using var reader = _f.Client(await _f.TokenAsync(TokenRole.Read));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsJsonAsync($"api/v1/runs/{id}/batch", new { tags = new { a = "b" } })).StatusCode);
        Assert.Equal("hello", await reader.GetStringAsync($"api/v1/runs/{id}/artifacts/notes.txt"));
        var filter = Uri.EscapeDataString("(metrics.loss < 0.2 or name = 'x') and status = 'finished'");
        Assert.Contains("\"pg\"", await reader.GetStringAsync($"api/v1/runs?filter={filter}"));
        var audit = await _f.Store.Audit.ListAsync(100);
        Assert.Equal(403, audit[^1].Status);
        Assert.Contains(audit, e => e.Action.EndsWith("/status", StringComparison.Ordinal) && e.Status == 200);
    }

    [Fact]
    public async Task DeploymentPage_OnPostgres_DrawsLatencyFromTheStoresOwnLog()
    {
        await _f.Store.Deployments.ApplyAsync(new Deployment
        {
            Name = "credit-api", Champion = "credit@champion", Strategy = "none", SpecText = "name: credit-api",
            State = new DeploymentState(RolloutPhase.Created, DeploymentMode.Full, 0, 0),
        }, "ann");
        await using (var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenAsync(_f.Store))
            await log.AppendAsync([new Keel.Core.PredictionLog.PredictionRecord
            {
                RequestId = "r1", Time = DateTimeOffset.UtcNow.AddMinutes(-2), Model = "credit", Version = 1, Arm = "champion",
                Endpoint = "invocations", Deployment = "credit-api", LatencyMs = 7, Rows = 1, InputsJson = "[{}]", OutputsJson = "[0]",
            }]);
        using var reader = _f.Client(await _f.TokenAsync(TokenRole.Read));
        var html = await reader.GetStringAsync("ui/deployments/credit-api");
        Assert.Contains("id=\"latency\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("No logged predictions", html, StringComparison.Ordinal);
    }
}
