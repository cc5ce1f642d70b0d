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
