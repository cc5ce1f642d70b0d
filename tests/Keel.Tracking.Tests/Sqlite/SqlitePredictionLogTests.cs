using Keel.Core.PredictionLog;
using Keel.Tracking.PredictionLog;
using Keel.Tracking.Tests.Contracts;

namespace Keel.Tracking.Tests.Sqlite;

/// <summary>The prediction log contract against a real SQLite file, plus what the file itself promises.</summary>
public sealed class SqlitePredictionLogTests : PredictionLogContract
{
    private readonly TempFolder _folder = new();

    private string File => Path.Combine(_folder.Path, PredictionLogStores.FileName);

    protected override Task<IPredictionLogStore> CreateAsync(TimeProvider time) => PredictionLogStores.OpenSqliteAsync(File);

    protected override async Task CloseAsync()
    {
        await Subject.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Reopen_AfterAppend_RecordsStillThere()
    {
        await Subject.AppendAsync([Record("a1", T0)]);
        await using var again = await PredictionLogStores.OpenSqliteAsync(File);
        Assert.NotNull(await again.GetAsync("a1"));
    }

    [Fact]
    public async Task Open_NewFile_WalWith16KiBPages()
    {
        await Subject.AppendAsync([Record("a1", T0)]);
        Assert.Equal(16384L, await PragmaAsync(File, "page_size"));
        Assert.Equal("wal", await PragmaAsync(File, "journal_mode"));
    }

    [Fact]
    public async Task Open_FileWith4KiBPages_KeepsThemAndAppends()
    {
        var old = Path.Combine(_folder.Path, "old.db");
        await using (var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={old};Pooling=False"))
        {
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE earlier (x);";
            await cmd.ExecuteNonQueryAsync();
        }
        await using (var store = await PredictionLogStores.OpenSqliteAsync(old))
        {
            await store.AppendAsync([Record("a1", T0)]);
            Assert.NotNull(await store.GetAsync("a1"));
        }
        Assert.Equal(4096L, await PragmaAsync(old, "page_size"));
    }

    [Fact]
    public async Task Open_LogWrittenBeforeDeploymentsWereRecorded_AddsTheColumnAndADeploymentQueryTakesItsRowsByModel()
    {
        var old = Path.Combine(_folder.Path, "before.db");
        await using (var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={old};Pooling=False"))
        {
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            // The table as Keel created it before the deployment column.
            cmd.CommandText = """
                CREATE TABLE predictions (request_id TEXT PRIMARY KEY, time_ms INTEGER NOT NULL, model TEXT NOT NULL, version INTEGER NOT NULL,
                    arm TEXT NOT NULL, endpoint TEXT NOT NULL, latency_ms REAL NOT NULL, rows INTEGER NOT NULL, inputs TEXT NOT NULL, outputs TEXT NOT NULL);
                INSERT INTO predictions VALUES ('old-credit', 1, 'credit-risk', 1, 'champion', 'invocations', 1.5, 1, '[{}]', '[{"label":"good"}]');
                INSERT INTO predictions VALUES ('old-shop', 2, 'shop', 1, 'champion', 'invocations', 1.5, 1, '[{}]', '[{"label":"good"}]');
                """;
            await cmd.ExecuteNonQueryAsync();
        }
        await using var store = await PredictionLogStores.OpenSqliteAsync(old);
        await store.AppendAsync([Record("new", T0) with { Deployment = "credit" }, Record("other", T0) with { Deployment = "credit-eu" }]);
        var read = await store.ListAsync(new PredictionQuery { Model = "credit-risk", Deployment = "credit" });
        Assert.Equal(["old-credit", "new"], read.Select(p => p.Prediction.RequestId));
        Assert.Null(read[0].Prediction.Deployment);
        // An older request cannot be a deployment's created after it.
        var since = await store.ListAsync(new PredictionQuery { Model = "credit-risk", Deployment = "credit", DeploymentCreated = T0.AddDays(-1) });
        Assert.Equal(["new"], since.Select(p => p.Prediction.RequestId));
    }

    private static async Task<object?> PragmaAsync(string file, string name)
    {
        await using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"PRAGMA {name};";
        return await cmd.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Open_NotASqliteFile_InputErrorNamingIt()
    {
        var bad = Path.Combine(_folder.Path, "bad.db");
        await System.IO.File.WriteAllTextAsync(bad, "this is not a database, just text long enough to be read as a header");
        var e = await Assert.ThrowsAsync<Keel.Core.KeelInputException>(() => PredictionLogStores.OpenSqliteAsync(bad));
        Assert.Contains("bad.db", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BesideDatabase_KeelDb_PredictionsDbInSameFolder() =>
        Assert.Equal(Path.Combine(_folder.Path, "predictions.db"), PredictionLogStores.BesideDatabase(Path.Combine(_folder.Path, "keel.db")));
}
