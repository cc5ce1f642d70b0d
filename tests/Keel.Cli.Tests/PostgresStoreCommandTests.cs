using Keel.Tracking;
using Keel.Tracking.PredictionLog;
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
    public async Task ServeThenMonitor_OnPostgresStore_PredictionLogInTheStoreAndMonitorReadsIt()
    {
        using var h = new CliHarness();
        var (uri, drop) = PostgresTestServer.NewSchema();
        try
        {
            h.CopySample("credit_data.csv");
            h.Write("keel.yaml", "data: {path: credit_data.csv, label: Status, positive_class: good}\nmodels: [zero_rule, linear]\nregister: {name: credit-risk, alias: champion}\nseed: 5\n");
            var run = await h.RunAsync("--store", uri, "run", "keel.yaml");
            Assert.True(run.Exit == 0, run.Error + run.Console);
            h.Write("credit.deploy.yaml", "endpoint: credit\nchampion: credit-risk@champion\n");
            var csv = string.Join("\n", File.ReadAllLines(Path.Combine(h.Folder, "credit_data.csv")).Take(2)) + "\n";
            var ids = new List<string>();
            var (server, address) = await ServeProcessTests.StartServerAsync(h.Folder, "--store", uri, "serve", "--port", "0", "--deployment", "credit.deploy.yaml");
            try
            {
                using var client = new HttpClient { BaseAddress = address };
                for (var i = 0; i < 20; i++)
                {
                    using var r = await client.PostAsync("invocations", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
                    Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode);
                    ids.Add(r.Headers.GetValues("Keel-Request-Id").Single());
                }
                // No keel.db, no predictions.db: the server logs into the PostgreSQL store, where the last answer shows up after a flush.
                await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = uri, BaseDirectory = h.Folder });
                await using var log = await PredictionLogStores.OpenAsync(store);
                for (var i = 0; i < 600 && await log.GetAsync(ids[^1]) is null; i++) await Task.Delay(50);
                foreach (var id in ids) Assert.Equal("champion", (await log.GetAsync(id))!.Prediction.Arm);
                Assert.False(File.Exists(Path.Combine(h.StoreFolder, PredictionLogStores.FileName)));
            }
            finally
            {
                server.Kill();
                await server.WaitForExitAsync();
                server.Dispose();
            }

            var monitor = await h.RunAsync("--store", uri, "monitor", "--deployment", "credit", "--json");
            Assert.True(monitor.Exit == 0, monitor.Error + monitor.Console);
            var windows = monitor.Json().GetProperty("windows").EnumerateArray().ToArray();
            Assert.Equal(20, windows.Sum(w => w.GetProperty("figures").GetProperty("requests").GetDouble()));
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
