using System.Net;
using System.Net.Http.Headers;
using Keel.Core;
using Keel.Core.Deployments;
using Keel.Serving.Hosting;
using Keel.Serving.Rollouts;
using Keel.Tracking;

namespace Keel.Serving.Tests;

/// <summary>Bearer tokens for /feedback and the admin endpoints (hashed in the store, from `keel tokens`), over a real Kestrel.</summary>
[Collection(ServedModelCollection.Name)]
public sealed class TokenRulesTests(ServedModelFixture f)
{
    private const string Yaml = """
        endpoint: guarded
        champion: credit-risk@champion
        """;

    private async Task<string> NewTokenAsync(string name, TokenRole role = TokenRole.Admin, string[]? models = null, string[]? experiments = null)
    {
        var (token, record) = ApiTokens.Generate(name, "tester", f.Clock.GetUtcNow());
        await f.Store.Deployments.AddTokenAsync(record with { Role = role, Models = models ?? [], Experiments = experiments ?? [] });
        return token;
    }

    [Fact]
    public async Task Admin_TokenScopedToOtherModels_403OnTheDeploymentAndItsFeedback()
    {
        var other = await NewTokenAsync("shop-ops", TokenRole.Admin, models: ["shop"]);
        var experimentsOnly = await NewTokenAsync("analyst", TokenRole.Admin, experiments: ["credit"]);
        var own = await NewTokenAsync("credit-ops", TokenRole.Admin, models: ["credit-risk"]);
        await using var server = await ServeAsync(new ServeOptions { RequireToken = true });
        using var client = new HttpClient { BaseAddress = server.Address };
        var feedback = """{"request_id":"00112233445566aa","outcome":"bad"}""";
        var history = (await f.Store.Deployments.GetHistoryAsync("guarded")).Count;

        foreach (var token in new[] { other, experimentsOnly })
        {
            Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Get, "admin/deployments/guarded", token));
            Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "admin/deployments/guarded/mode", token, """{"mode":"assist"}"""));
            Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "admin/deployments/guarded/start", token, "{}"));
            Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Get, "admin/deployments/guarded/reviews", token));
            Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "feedback", token, feedback));
        }
        Assert.Empty(await f.Store.Deployments.ListFeedbackAsync("00112233445566aa"));
        await Task.Delay(200); // a refused change must not reach the store, even late
        Assert.Equal(history, (await f.Store.Deployments.GetHistoryAsync("guarded")).Count);
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Get, "admin/deployments/guarded", own));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Post, "feedback", own, feedback));
    }

    [Fact]
    public async Task Admin_TokenRoleBelowTheEndpoint_403ButReadsAllowed()
    {
        var reader = await NewTokenAsync("viewer", TokenRole.Read);
        var writer = await NewTokenAsync("labeller", TokenRole.Write);
        await using var server = await ServeAsync(new ServeOptions { RequireToken = true });
        using var client = new HttpClient { BaseAddress = server.Address };
        var feedback = """{"request_id":"fedcba9876543210","outcome":"bad"}""";

        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Get, "admin/deployments/guarded", reader));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "feedback", reader, feedback));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "admin/deployments/guarded/mode", reader, """{"mode":"assist"}"""));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Post, "feedback", writer, feedback));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "admin/deployments/guarded/mode", writer, """{"mode":"assist"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, HttpMethod.Post, "admin/deployments/guarded/start", writer, "{}"));
        Assert.DoesNotContain(await f.Store.Deployments.ListFeedbackAsync("fedcba9876543210"), x => x.Actor == "viewer");
    }

    private Task<ServingHost> ServeAsync(ServeOptions options) => ServingHost.StartAsync(options with { Port = 0 }, f.Store.Registry, f.Store.Artifacts, f.Clock,
        deployment: new DeploymentServeOptions(DeploymentFileReader.Parse(Yaml, "keel.deploy.yaml"), Yaml, f.Store.Deployments));

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, HttpMethod method, string path, string? token, string? body = null, string scheme = "Bearer")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        using var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized) Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        return response.StatusCode;
    }

    [Fact]
    public async Task Admin_TokensRequired_NoneOrWrongIs401AndTheRightTokenIs200()
    {
        var token = await NewTokenAsync("ops");
        var revoked = await NewTokenAsync("old");
        await f.Store.Deployments.RevokeTokenAsync(ApiTokens.IdOf(revoked)!, f.Clock.GetUtcNow());
        await using var server = await ServeAsync(new ServeOptions { RequireToken = true });
        using var client = new HttpClient { BaseAddress = server.Address };

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Get, "admin/deployments/guarded", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Get, "admin/deployments/guarded", token[..^2] + "xx"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Get, "admin/deployments/guarded", "keel_000000000000_nothing"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Get, "admin/deployments/guarded", token, scheme: "Basic"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Get, "admin/deployments/guarded", revoked));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Get, "admin/deployments/guarded", token));

        var feedback = """{"request_id":"0123456789abcdef","outcome":"bad"}""";
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Post, "feedback", null, feedback));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Post, "feedback", token, feedback));
        Assert.Contains(await f.Store.Deployments.ListFeedbackAsync("0123456789abcdef"), x => x.Actor == "ops" && x.Source == "api");

        // Predictions stay open; changes through the admin API are recorded with the token's name.
        using (var answer = await ServedModelFixture.PostAsync(client, "invocations", f.CsvRows([1]), "text/csv"))
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Post, "admin/deployments/guarded/mode", null, """{"mode":"assist"}"""));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Post, "admin/deployments/guarded/mode", token, """{"mode":"assist","reason":"new team"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(client, HttpMethod.Post, "admin/deployments/guarded/mode", token, """{"mode":"auto"}"""));
        Assert.Equal(HttpStatusCode.Conflict, await SendAsync(client, HttpMethod.Post, "admin/deployments/guarded/promote", token, "{}"));
        DeploymentEvent? mode = null;
        for (var i = 0; i < 500 && mode is null; i++)
        {
            mode = (await f.Store.Deployments.GetHistoryAsync("guarded")).LastOrDefault(e => e.Kind == DeploymentEventKind.Mode);
            if (mode is null) await Task.Delay(10);
        }
        Assert.NotNull(mode);
        Assert.Equal(DeploymentMode.Assist, mode.To.Mode);
        Assert.Equal("ops (admin api)", mode.Actor);
        Assert.Equal("new team", mode.Reason);
    }

    [Fact]
    public async Task Start_NonLoopbackWithoutTokens_RefusedSayingHowToCreateOne()
    {
        var folder = Path.Combine(f.Folder, "no-tokens");
        await using var empty = await KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(folder, ".keel"), BaseDirectory = folder, Time = TimeProvider.System });
        var e = await Assert.ThrowsAsync<KeelInputException>(() => ServingHost.StartAsync(new ServeOptions { Host = "0.0.0.0", Port = 0 },
            f.Store.Registry, f.Store.Artifacts, f.Clock, tokens: empty.Deployments));
        Assert.Contains("--host '0.0.0.0'", e.Message, StringComparison.Ordinal);
        Assert.Contains("keel tokens create", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<KeelInputException>(() => ServingHost.StartAsync(new ServeOptions { Host = "0.0.0.0", Port = 0 },
            f.Store.Registry, f.Store.Artifacts, f.Clock));
    }

    [Fact]
    public async Task Start_NonLoopbackWithAToken_ListensAndFeedbackNeedsTheToken()
    {
        var token = await NewTokenAsync("feedback-service");
        await using var server = await ServingHost.StartAsync(
            new ServeOptions { Host = "0.0.0.0", Port = 0, Models = [Keel.Pipeline.Predict.ModelReference.Parse("credit-risk@champion")], PredictionLogPath = Path.Combine(f.Folder, "open-predictions.db") },
            f.Store.Registry, f.Store.Artifacts, f.Clock, tokens: f.Store.Deployments);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Address.Port}/") };
        var feedback = """{"request_id":"fedcba9876543210","outcome":"good"}""";
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, HttpMethod.Post, "feedback", null, feedback));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, HttpMethod.Post, "feedback", token, feedback));
    }
}
