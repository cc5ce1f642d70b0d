namespace Keel.Web.Tests;

/// <summary>A real server on loopback over a fresh SQLite store, and an HTTP client without a token (loopback reads need none): the base of the UI page tests.</summary>
public abstract class UiServerTests : IAsyncLifetime
{
    protected ServerFixture F { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        F = await ServerFixture.StartAsync();
        Http = F.Client();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await F.DisposeAsync();
    }
}
