using System.Net.Http.Headers;
using Keel.Core.Deployments;
using Keel.Tracking;

namespace Keel.Web.Tests;

/// <summary>A real tracking server on a free loopback port over a fresh SQLite store in a temporary folder, with tokens of each role.</summary>
public sealed class ServerFixture : IAsyncDisposable
{
    private readonly Keel.Tracking.Tests.PostgresStoreScope? _postgres;

    private ServerFixture(string folder, KeelStore store, TrackingServer server, Keel.Tracking.Tests.PostgresStoreScope? postgres)
    {
        Folder = folder;
        Store = store;
        Server = server;
        _postgres = postgres;
    }

    public string Folder { get; }

    public KeelStore Store { get; }

    public TrackingServer Server { get; }

    public string ArtifactRoot => Path.Combine(Folder, _postgres is null ? ".keel" : "", "artifacts");

    /// <summary>A server over SQLite, or over a fresh PostgreSQL schema (the throwaway test cluster) with <paramref name="postgres"/>.</summary>
    public static async Task<ServerFixture> StartAsync(WebOptions? options = null, bool postgres = false)
    {
        var scope = postgres ? new Keel.Tracking.Tests.PostgresStoreScope() : null;
        var folder = scope?.Folder ?? Directory.CreateTempSubdirectory("keel-web-").FullName;
        var store = scope is null ? await KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(folder, ".keel") }) : await scope.OpenAsync(TimeProvider.System);
        var server = await TrackingServer.StartAsync((options ?? new WebOptions()) with { Port = 0 }, store);
        return new ServerFixture(folder, store, server, scope);
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
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
            return;
        }
        await Store.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
