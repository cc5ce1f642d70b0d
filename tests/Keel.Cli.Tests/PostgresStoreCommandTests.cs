using Keel.Tracking.Tests;

namespace Keel.Cli.Tests;

/// <summary>The whole CLI on a real PostgreSQL store: a run registers a model, lists and the registry read it back, aliases move.</summary>
public sealed class PostgresStoreCommandTests
{
    [Fact]
    public async Task RunListAliasInfo_OnPostgresStore_WorkLikeSqlite()
    {
        using var h = new CliHarness();
        var (uri, drop) = PostgresTestServer.NewSchema();
        try
        {
            h.CopySample("penguins.csv");
            h.Write("keel.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [zero_rule, linear]\nseed: 1\n");
            var run = await h.RunAsync("--store", uri, "run", "keel.yaml", "--json");
            Assert.True(run.Exit == 0, run.Error + run.Console);
            var runId = run.Json().GetProperty("run_id").GetString()!;

            var list = (await h.RunAsync("--store", uri, "runs", "list", "--json")).Json().GetProperty("runs").EnumerateArray().ToArray();
            Assert.Equal(runId, Assert.Single(list).GetProperty("id").GetString());
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(h.Folder, ".keel", "artifacts"), "*", SearchOption.AllDirectories));

            var info = await h.RunAsync("--store", uri, "store", "info", "--json");
            Assert.Equal(0, info.Exit);
            Assert.Equal("postgresql", info.Json().GetProperty("backend").GetString());
            Assert.True(info.Json().GetProperty("schema_version").GetInt32() >= 3);

            var models = await h.RunAsync("--store", uri, "models", "list", "--json");
            Assert.Equal(0, models.Exit);
            Assert.Contains("penguins", models.Out, StringComparison.Ordinal);
        }
        finally
        {
            await drop();
        }
    }

    [Fact]
    public async Task StoreInfo_UnreachablePostgres_ExitsOneNamingStore()
    {
        using var h = new CliHarness();
        var r = await h.RunAsync("--store", "postgresql://keel@127.0.0.1:1/keel?timeout=2", "store", "info");
        Assert.Equal(1, r.Exit);
        Assert.Contains("postgresql://keel@127.0.0.1:1/keel", r.Error, StringComparison.Ordinal);
    }
}
