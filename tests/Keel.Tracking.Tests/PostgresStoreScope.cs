namespace Keel.Tracking.Tests;

/// <summary>Opens real stores on fresh PostgreSQL schemas (artifacts in a temp folder) and removes both after the test.</summary>
public sealed class PostgresStoreScope : IAsyncDisposable
{
    private readonly List<KeelStore> _stores = [];
    private readonly List<Func<Task>> _drops = [];
    private readonly TempFolder _folder = new();

    public string Folder => _folder.Path;

    /// <summary>The schema of the first store opened.</summary>
    public string? Schema { get; private set; }

    /// <summary>Opens a store on a new schema, or on the schema of <paramref name="uri"/> when given (a second process on one database).</summary>
    public async Task<KeelStore> OpenAsync(TimeProvider? time = null, string? uri = null)
    {
        if (uri is null)
        {
            var (fresh, drop) = PostgresTestServer.NewSchema();
            _drops.Add(drop);
            uri = fresh;
            Schema ??= uri[(uri.IndexOf("schema=", StringComparison.Ordinal) + 7)..];
        }
        var store = await KeelStore.OpenAsync(new StoreOptions
        {
            Uri = uri,
            ArtifactRoot = System.IO.Path.Combine(Folder, "artifacts"),
            Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)),
            BaseDirectory = Folder,
        });
        _stores.Add(store);
        return store;
    }

    /// <summary>The URI of the first store's schema, to open a second store on the same data.</summary>
    public string UriOf(KeelStore store) => store.Description[..store.Description.IndexOf(", artifacts", StringComparison.Ordinal)];

    /// <summary>The schema <paramref name="store"/> was opened on.</summary>
    public string SchemaOf(KeelStore store)
    {
        var uri = UriOf(store);
        var at = uri.IndexOf("schema=", StringComparison.Ordinal) + 7;
        var end = uri.IndexOf('&', at);
        return end < 0 ? uri[at..] : uri[at..end];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _stores) await s.DisposeAsync();
        foreach (var d in _drops) await d();
        _folder.Dispose();
    }
}
