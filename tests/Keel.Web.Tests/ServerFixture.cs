using System.Net.Http.Headers;
using Keel.Core.Deployments;
using Keel.Tracking;

namespace Keel.Web.Tests;

/// <summary>A real tracking server on a free loopback port over a fresh SQLite store in a temporary folder, with tokens of each role.</summary>
public sealed class ServerFixture : IAsyncDisposable
{
    private ServerFixture(string folder, KeelStore store, TrackingServer server)
    {
        Folder = folder;
        Store = store;
        Server = server;
    }

    public string Folder { get; }

    public KeelStore Store { get; }

    public TrackingServer Server { get; }

    public string ArtifactRoot => Path.Combine(Folder, ".keel", "artifacts");

    public static async Task<ServerFixture> StartAsync(WebOptions? options = null)
    {
        var folder = Directory.CreateTempSubdirectory("keel-web-").FullName;
        var store = await KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(folder, ".keel") });
        var server = await TrackingServer.StartAsync((options ?? new WebOptions()) with { Port = 0 }, store);
        return new ServerFixture(folder, store, server);
    }

    /// <summary>Stores a new token and returns its text.</summary>
    public async Task<string> TokenAsync(TokenRole role, string[]? experiments = null, string[]? models = null)
    {
        var (token, record) = ApiTokens.Generate($"{role}-test", "test", DateTimeOffset.UtcNow, iterations: 100);
        await Store.Deployments.AddTokenAsync(record with { Role = role, Experiments = experiments ?? [], Models = models ?? [] });
        return token;
    }

    /// <summary>An HTTP client for the server, sending <paramref name="token"/> as a bearer token when given.</summary>
    public HttpClient Client(string? token = null)
    {
        var http = new HttpClient { BaseAddress = Server.Address };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Store.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
