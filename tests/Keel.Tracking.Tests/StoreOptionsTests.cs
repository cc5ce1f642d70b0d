using Keel.Core;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Tracking.Tests;

public sealed class StoreOptionsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<string> OpenAndDescribeAsync(StoreOptions options)
    {
        await using var store = await KeelStore.OpenAsync(options with { BaseDirectory = options.BaseDirectory ?? _folder.Path });
        return store.Description;
    }

    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var o = new StoreOptions();
        Assert.Equal(".keel", o.Uri);
        Assert.Null(o.ArtifactRoot);
        Assert.Null(o.BaseDirectory);
        Assert.Same(TimeProvider.System, o.Time);
    }

    [Theory]
    [InlineData("store", "store")]
    [InlineData("sqlite:data/my.db", "data")]
    public void ResolveFolder_FolderOrSqliteFile_FolderHoldingTheDatabaseAndNothingCreated(string uri, string expected)
    {
        var folder = new StoreOptions { Uri = uri, BaseDirectory = _folder.Path }.ResolveFolder();
        Assert.Equal(Path.Combine(_folder.Path, expected), folder);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void ResolveFolder_UnsupportedScheme_ThrowsInput() =>
        Assert.Throws<KeelInputException>(() => new StoreOptions { Uri = "mysql://db/keel" }.ResolveFolder());

    [Fact]
    public void ResolveFolder_Postgres_LocalFolderAboveArtifactRoot() =>
        Assert.Equal(Path.Combine(_folder.Path, "shared"),
            new StoreOptions { Uri = "postgresql://keel@db/keel", ArtifactRoot = "shared/artifacts", BaseDirectory = _folder.Path }.ResolveFolder());

    [Theory]
    [InlineData("postgresql://keel:s3cret@db:6543/keel?schema=team", "postgresql://keel:***@db:6543/keel?schema=team")]
    [InlineData("postgres://keel@db/keel", "postgres://keel@db/keel")]
    public void PostgresUri_Description_RedactsPassword(string uri, string description)
    {
        var parsed = Keel.Tracking.Postgres.PostgresUri.Parse(uri);
        Assert.Equal(description, parsed.Description);
        Assert.DoesNotContain("s3cret", parsed.Description);
    }

    [Fact]
    public void PostgresUri_PortSchemaAndPassword_InConnectionString()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(Keel.Tracking.Postgres.PostgresUri.Parse("postgresql://keel:p%40ss@db:6543/keel?schema=team&sslmode=require").ConnectionString);
        Assert.Equal(("db", 6543, "keel", "keel", "p@ss", "team", Npgsql.SslMode.Require), (b.Host, b.Port, b.Database, b.Username, b.Password, b.SearchPath, b.SslMode));
    }

    [Theory]
    [InlineData("postgresql://keel@db/", "a database name")]
    [InlineData("postgresql://keel@db/keel?colour=blue", "query parameters schema=NAME")]
    [InlineData("postgresql://keel:pw@db/keel?colour=blue", "postgresql://keel:***@db/keel")]
    public void PostgresUri_Malformed_ThrowsInputNamingUriAndExpectation(string uri, string expected)
    {
        var e = Assert.Throws<KeelInputException>(() => Keel.Tracking.Postgres.PostgresUri.Parse(uri));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain(":pw@", e.Message);
    }

    [Fact]
    public async Task Open_PostgresNobodyListening_ThrowsInputNamingStore()
    {
        var e = await Assert.ThrowsAsync<KeelInputException>(() => OpenAndDescribeAsync(new StoreOptions { Uri = "postgresql://keel@127.0.0.1:1/keel?timeout=2" }));
        Assert.Contains("store 'postgresql://keel@127.0.0.1:1/keel?timeout=2' cannot be opened", e.Message);
    }

    [Fact]
    public async Task Open_Folder_DatabaseAndArtifactsInsideIt()
    {
        var description = await OpenAndDescribeAsync(new StoreOptions { Uri = "store" });
        var folder = Path.Combine(_folder.Path, "store");
        Assert.Equal($"sqlite:{Path.Combine(folder, "keel.db")}, artifacts {Path.Combine(folder, "artifacts")}", description);
        Assert.True(File.Exists(Path.Combine(folder, "keel.db")));
        Assert.True(Directory.Exists(Path.Combine(folder, "artifacts")));
    }

    [Fact]
    public async Task Open_SqliteRelative_ResolvedAgainstBaseDirectory()
    {
        var description = await OpenAndDescribeAsync(new StoreOptions { Uri = "sqlite:data/my.db" });
        var db = Path.Combine(_folder.Path, "data", "my.db");
        Assert.Equal($"sqlite:{db}, artifacts {Path.Combine(_folder.Path, "data", "artifacts")}", description);
        Assert.True(File.Exists(db));
    }

    [Fact]
    public async Task Open_SqliteTripleSlashAbsolute_UsesThatPath()
    {
        var db = Path.Combine(_folder.Path, "abs", "k.db");
        var description = await OpenAndDescribeAsync(new StoreOptions { Uri = "sqlite://" + db.Replace('\\', '/'), BaseDirectory = Path.Combine(_folder.Path, "elsewhere") });
        Assert.StartsWith($"sqlite:{db},", description);
        Assert.True(File.Exists(db));
    }

    [Fact]
    public async Task Open_ArtifactRootGiven_UsedInsteadOfDerived()
    {
        var description = await OpenAndDescribeAsync(new StoreOptions { Uri = "store", ArtifactRoot = "blobs" });
        Assert.EndsWith($"artifacts {Path.Combine(_folder.Path, "blobs")}", description);
    }

    [Theory]
    [InlineData("mysql://host/db", "unsupported scheme")]
    [InlineData("s3://bucket/keel", "unsupported scheme")]
    [InlineData("sqlite://host/keel.db", "sqlite:///ABSOLUTE/PATH")]
    [InlineData("sqlite:", "database file path")]
    [InlineData("sqlite:///", "database file path")]
    [InlineData("sqlite:data/", "database file path")]
    [InlineData(" ", "expected a folder, sqlite:PATH or postgresql://")]
    public async Task Open_BadUri_ThrowsInputNamingUri(string uri, string expected)
    {
        var e = await Assert.ThrowsAsync<KeelInputException>(() => OpenAndDescribeAsync(new StoreOptions { Uri = uri }));
        Assert.Contains(uri.Trim(), e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task Open_FileThatIsNotADatabase_ThrowsInputNamingIt()
    {
        var db = Path.Combine(_folder.Path, "notes.txt");
        await File.WriteAllTextAsync(db, new string('x', 4096));
        var e = await Assert.ThrowsAsync<KeelInputException>(() => OpenAndDescribeAsync(new StoreOptions { Uri = "sqlite:notes.txt" }));
        Assert.Contains(db, e.Message);
    }

    [Fact]
    public async Task Open_SqlitePathIsAFolder_ThrowsInputNamingIt()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "dir.db"));
        var e = await Assert.ThrowsAsync<KeelInputException>(() => OpenAndDescribeAsync(new StoreOptions { Uri = "sqlite:dir.db" }));
        Assert.Contains("dir.db", e.Message);
    }

    [Fact]
    public async Task Open_FourAtOnceOnFreshFolder_AllSucceedAndShareData()
    {
        var options = new StoreOptions { Uri = "store", BaseDirectory = _folder.Path };
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => KeelStore.OpenAsync(options))));
        try
        {
            await Task.WhenAll(stores.Select((s, i) => s.Tracking.GetOrCreateExperimentAsync($"e{i}")));
            Assert.Equal(4, (await stores[0].Tracking.ListExperimentsAsync()).Count);
        }
        finally
        {
            foreach (var s in stores) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task Reopen_AfterDispose_KeepsRunsModelsAliasesAndArtifacts()
    {
        var options = new StoreOptions { Uri = "store", BaseDirectory = _folder.Path, Time = new FakeTimeProvider() };
        string runId;
        ArtifactEntry entry;
        await using (var store = await KeelStore.OpenAsync(options))
        {
            var e = await store.Tracking.GetOrCreateExperimentAsync("credit");
            var run = await store.Tracking.CreateRunAsync(e.Id, "r", new FakeTimeProvider().GetUtcNow(), new Dictionary<string, string> { ["t"] = "1" });
            runId = run.Id;
            await store.Tracking.LogBatchAsync(runId, new LogBatch
            {
                Params = new Dictionary<string, string> { ["p"] = "v" },
                Metrics = [new MetricPoint("auc", 0.8, 0, run.StartTime)],
            });
            entry = await store.LogArtifactBytesAsync(runId, "model.bin", new byte[] { 1, 2, 3 });
            await store.Tracking.SetRunStatusAsync(runId, RunStatus.Finished, run.StartTime.AddMinutes(1));
            await store.Registry.RegisterAsync(new ModelVersion
            {
                Name = "credit", SourceRunId = runId, ModelSha256 = entry.Sha256, Candidate = "c", Task = "binary", SchemaJson = "{}", DataSha256 = entry.Sha256,
            });
            await store.Registry.SetAliasAsync("credit", "champion", 1, "ann", null);
        }

        await using var reopened = await KeelStore.OpenAsync(options);
        var got = (await reopened.Tracking.GetRunAsync(runId))!;
        Assert.Equal((RunStatus.Finished, "v", 0.8, "1"), (got.Status, got.Params["p"], got.Metrics["auc"], got.Tags["t"]));
        Assert.Equal([entry], await reopened.Tracking.ListArtifactsAsync(runId));
        Assert.Equal(new byte[] { 1, 2, 3 }, await reopened.ReadArtifactAsync(runId, "model.bin"));
        Assert.Equal(1, (await reopened.Registry.GetByAliasAsync("credit", "champion"))!.Version);
        Assert.Single(await reopened.Registry.GetAliasHistoryAsync("credit"));
    }
}
