using System.Globalization;
using System.Text;
using Keel.Tracking;
using Microsoft.Data.Sqlite;

namespace Keel.Cli.Tests;

/// <summary>`keel retrain` end to end on seeded synthetic data: a concept change that retraining fixes, and a stable world where it
/// does not help.</summary>
public sealed class RetrainCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>Rows from <paramref name="start"/>, one every 4 hours; the label follows x1 (regime 1) or x2 (regime 2).</summary>
    private static IEnumerable<string> Rows(Random rng, DateTime start, int n, int regime)
    {
        for (var i = 0; i < n; i++)
        {
            double x1 = rng.NextDouble() * 2 - 1, x2 = rng.NextDouble() * 2 - 1;
            var z = 4 * (regime == 1 ? x1 : x2);
            var y = rng.NextDouble() < 1 / (1 + Math.Exp(-z)) ? "yes" : "no";
            yield return string.Create(CultureInfo.InvariantCulture, $"{start.AddHours(4 * i):yyyy-MM-ddTHH:mm:ss},{x1:0.####},{x2:0.####},{y}");
        }
    }

    private void WriteCsv(string name, params IEnumerable<string>[] parts)
    {
        var text = new StringBuilder("date,x1,x2,y\n");
        foreach (var p in parts) foreach (var line in p) text.Append(line).Append('\n');
        _cli.Write(name, text.ToString());
    }

    private static string Spec(string data, string retrain = "") => $$"""
        experiment: drifty
        data: { path: {{data}}, label: y, positive_class: "yes", time_column: date, types: { date: datetime } }
        models: [linear]
        register: { name: drifty, alias: champion }
        seed: 3
        {{retrain}}
        """;

    private async Task RegisterChampionAsync()
    {
        WriteCsv("old.csv", Rows(new Random(1), new DateTime(2026, 1, 1), 1500, 1));
        _cli.Write("champion.yaml", Spec("old.csv"));
        var run = await _cli.RunAsync("run", "champion.yaml", "--json");
        Assert.True(run.Exit == 0, run.Error);
    }

    /// <summary>Stores deployment "drifty" (canary, challenger drifty@challenger) as promoted: the challenger has all traffic.</summary>
    private async Task ApplyPromotedDeploymentAsync(string champion)
    {
        await using var setup = await KeelStore.OpenAsync(new StoreOptions { Uri = _cli.StoreFolder });
        var done = new Keel.Core.Deployments.DeploymentState(Keel.Core.Deployments.RolloutPhase.Promoted, Keel.Core.Deployments.DeploymentMode.Full, 100, 0);
        await setup.Deployments.ApplyAsync(new Keel.Core.Deployments.Deployment
        {
            Name = "drifty", Champion = champion, Challenger = "drifty@challenger", Strategy = "canary", SpecText = "endpoint: drifty\n", State = done,
        }, "tester");
    }

    [Fact]
    public async Task Retrain_ConceptChangedAndWindowSlides_ChallengerPromotedWithLineage()
    {
        await RegisterChampionAsync();
        // The same first months, then 1500 rows where the label follows x2 instead of x1.
        WriteCsv("all.csv", Rows(new Random(1), new DateTime(2026, 1, 1), 1500, 1), Rows(new Random(2), new DateTime(2026, 9, 1), 1500, 2));
        _cli.Write("retrain.yaml", Spec("all.csv", """
            retrain:
              window: { kind: sliding, last: 120d }
              comparison: { rows: 500 }
              promote: { margin: 0.01 }
            """));
        var r = await _cli.RunAsync("retrain", "retrain.yaml", "--model", "drifty@champion", "--json");
        Assert.True(r.Exit == 0, r.Error + r.Out);
        var o = r.Json();
        Assert.StartsWith("promoted: challenger auc", o.GetProperty("message").GetString(), StringComparison.Ordinal);
        var cmp = o.GetProperty("comparison");
        Assert.Equal(("delong", true, 500), (cmp.GetProperty("test").GetString(), cmp.GetProperty("promoted").GetBoolean(), cmp.GetProperty("rows").GetInt32()));
        Assert.True(cmp.GetProperty("challenger").GetDouble() > cmp.GetProperty("champion").GetDouble() + 0.1);
        Assert.Equal(0, cmp.GetProperty("seen_by_champion").GetInt32());
        Assert.Equal(2, o.GetProperty("registered").GetProperty("version").GetInt32());

        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = _cli.StoreFolder, ReadOnly = true });
        Assert.Equal(2, (await store.Registry.GetByAliasAsync("drifty", "champion"))!.Version);
        var run = (await store.Tracking.GetRunAsync(o.GetProperty("run_id").GetString()!))!;
        Assert.Equal("drifty:1", run.Tags["keel.retrain.parent"]);
        Assert.StartsWith("manual", run.Tags["keel.retrain.trigger"], StringComparison.Ordinal);
        Assert.StartsWith("sliding 120d: 2026-", run.Tags["keel.retrain.window"], StringComparison.Ordinal);
        // The sliding window left the first regime out: 120 days of rows 4 hours apart before the comparison set.
        Assert.Equal("720", run.Params["data.rows"]);
    }

    [Fact]
    public async Task Retrain_PromotedWithDeployment_ChallengerAliasMovedChampionKeptRolloutRearmed()
    {
        await RegisterChampionAsync();
        await ApplyPromotedDeploymentAsync("drifty@champion");
        WriteCsv("all.csv", Rows(new Random(1), new DateTime(2026, 1, 1), 1500, 1), Rows(new Random(2), new DateTime(2026, 9, 1), 1500, 2));
        _cli.Write("retrain.yaml", Spec("all.csv", "retrain: { window: { last: 120d }, comparison: { rows: 500 }, deployment: drifty }"));
        var r = await _cli.RunAsync("retrain", "retrain.yaml", "--model", "drifty@champion");
        Assert.True(r.Exit == 0, r.Error + r.Console);
        Assert.Contains("deployment 'drifty' re-armed (promoted → created)", r.Console, StringComparison.Ordinal);
        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = _cli.StoreFolder, ReadOnly = true });
        Assert.Equal(2, (await store.Registry.GetByAliasAsync("drifty", "challenger"))!.Version);
        Assert.Equal(1, (await store.Registry.GetByAliasAsync("drifty", "champion"))!.Version);
        Assert.Equal(Keel.Core.Deployments.RolloutPhase.Created, (await store.Deployments.GetAsync("drifty"))!.State.Phase);
    }

    [Fact]
    public async Task Retrain_DeploymentPromotedItsChallenger_ComparedWithThePromotedVersionWhichBecomesChampion()
    {
        await RegisterChampionAsync();
        // A second version rolled out as the challenger and promoted: production serves version 2 while @champion still names 1.
        _cli.Write("second.yaml", Spec("old.csv").Replace("alias: champion", "alias: challenger", StringComparison.Ordinal).Replace("seed: 3", "seed: 4", StringComparison.Ordinal));
        Assert.Equal(0, (await _cli.RunAsync("run", "second.yaml")).Exit);
        await ApplyPromotedDeploymentAsync("drifty@champion");
        WriteCsv("all.csv", Rows(new Random(1), new DateTime(2026, 1, 1), 1500, 1), Rows(new Random(2), new DateTime(2026, 9, 1), 1500, 2));
        _cli.Write("retrain.yaml", Spec("all.csv", "retrain: { window: { last: 120d }, comparison: { rows: 500 }, deployment: drifty }"));

        var r = await _cli.RunAsync("retrain", "retrain.yaml", "--model", "drifty@champion", "--json");

        Assert.True(r.Exit == 0, r.Error + r.Out);
        var o = r.Json();
        Assert.Equal(2, o.GetProperty("parent_version").GetInt32());
        Assert.EndsWith("(the champion is drifty:2, which deployment 'drifty' promoted; drifty@champion named drifty:1)", o.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("deployment 'drifty' re-armed (promoted → created): drifty@champion now names drifty:2", o.GetProperty("deployment").GetString(), StringComparison.Ordinal);
        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = _cli.StoreFolder, ReadOnly = true });
        Assert.Equal(2, (await store.Registry.GetByAliasAsync("drifty", "champion"))!.Version);
        Assert.Equal(3, (await store.Registry.GetByAliasAsync("drifty", "challenger"))!.Version);
        // The champion alias moved to the promoted version before the registration moved the challenger alias: a promoted deployment
        // follows its challenger alias at 100 %, so it was re-armed first and never gave version 3 all traffic.
        var history = (await store.Registry.GetAliasHistoryAsync("drifty")).Select(a => (a.Alias, a.FromVersion, a.ToVersion)).ToList();
        Assert.Equal([("champion", 1, 2), ("challenger", 2, 3)], history.TakeLast(2));
        Assert.Equal("drifty:2", (await store.Tracking.GetRunAsync(o.GetProperty("run_id").GetString()!))!.Tags["keel.retrain.parent"]);
    }

    [Fact]
    public async Task Retrain_PromotedDeploymentWithPinnedChampion_Exit1NamingTheVersionToPin()
    {
        await RegisterChampionAsync();
        _cli.Write("second.yaml", Spec("old.csv").Replace("alias: champion", "alias: challenger", StringComparison.Ordinal));
        Assert.Equal(0, (await _cli.RunAsync("run", "second.yaml")).Exit);
        await ApplyPromotedDeploymentAsync("drifty:1");
        _cli.Write("retrain.yaml", Spec("old.csv", "retrain: { comparison: { rows: 500 }, deployment: drifty }"));

        var r = await _cli.RunAsync("retrain", "retrain.yaml", "--model", "drifty@champion", "--force");

        Assert.Equal(1, r.Exit);
        Assert.Contains("deployment 'drifty': it promoted drifty:2 (drifty@challenger), but its champion is pinned to drifty:1", r.Error, StringComparison.Ordinal);
        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = _cli.StoreFolder, ReadOnly = true });
        Assert.Equal(2, (await store.Registry.GetModelAsync("drifty"))!.LatestVersion);
    }

    [Fact]
    public async Task RegisteredIntervalAsync_AfterKeelRun_TestSetIntervalAroundRegisteredMetric()
    {
        await RegisterChampionAsync();
        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = _cli.StoreFolder, ReadOnly = true });
        var version = (await store.Registry.GetByAliasAsync("drifty", "champion"))!;
        var interval = (await Keel.Pipeline.Performance.PerformanceMonitor.RegisteredIntervalAsync(store, version, "auc"))!;
        Assert.Equal(version.Metrics["auc"], interval.Estimate, 12);
        Assert.True(interval.Low < interval.Estimate && interval.Estimate < interval.High, $"{interval}");
    }

    [Fact]
    public async Task Retrain_OnTheChampionsOwnData_ComparesOnlyOnRowsItWasNotFittedOn()
    {
        await RegisterChampionAsync();
        _cli.Write("retrain.yaml", Spec("old.csv", "retrain: { comparison: { rows: 500 } }"));

        var r = await _cli.RunAsync("retrain", "retrain.yaml", "--model", "drifty@champion", "--json");

        // The time split kept the newest rows for testing: of the 500 newest, those are the ones the champion never saw.
        var comparison = r.Json().GetProperty("comparison");
        var seen = comparison.GetProperty("seen_by_champion").GetInt32();
        Assert.InRange(seen, 1, 499);
        Assert.Equal(500 - seen, comparison.GetProperty("rows").GetInt32());
        Assert.Contains($"(delong, {500 - seen} held-out rows); {seen} other held-out rows left out: the champion was fitted on them",
            r.Json().GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrain_FewerThan30RowsTheChampionHasNotSeen_Exit1BeforeTraining()
    {
        // A champion fitted on all but 2 % of its rows, retrained on the same file: nearly every held-out row is one it saw.
        WriteCsv("old.csv", Rows(new Random(1), new DateTime(2026, 1, 1), 1500, 1));
        _cli.Write("champion.yaml", Spec("old.csv", "split: { strategy: random, test_fraction: 0.02, validation_fraction: 0.1 }"));
        Assert.Equal(0, (await _cli.RunAsync("run", "champion.yaml")).Exit);
        _cli.Write("retrain.yaml", Spec("old.csv", "retrain: { comparison: { rows: 300 } }"));

        var r = await _cli.RunAsync("retrain", "retrain.yaml", "--model", "drifty@champion");

        Assert.Equal(1, r.Exit);
        Assert.Contains("retrain.comparison: ", r.Error, StringComparison.Ordinal);
        Assert.Contains("a fair comparison needs at least 30 rows it has not seen", r.Error, StringComparison.Ordinal);
        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = _cli.StoreFolder, ReadOnly = true });
        Assert.Single((await store.Tracking.SearchRunsAsync(new Keel.Core.Tracking.RunQuery())).Runs);
    }

    [Fact]
    public async Task Retrain_WorldUnchanged_NotPromotedSaysWhyExit5NoNewVersion()
    {
        await RegisterChampionAsync();
        WriteCsv("more.csv", Rows(new Random(1), new DateTime(2026, 1, 1), 1500, 1), Rows(new Random(5), new DateTime(2026, 9, 1), 1500, 1));
        _cli.Write("retrain.yaml", Spec("more.csv", """
            retrain:
              comparison: { rows: 600 }
              promote: { margin: 0.01 }
            """));
        var r = await _cli.RunAsync("retrain", "retrain.yaml", "--model", "drifty@champion");
        Assert.True(r.Exit == 5, r.Error + r.Console);
        Assert.Matches(@"not promoted: challenger auc 0\.\d+ vs champion 0\.\d+, p=[0-9.e-]+ \(delong, 600 held-out rows\)", r.Console);
        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = _cli.StoreFolder, ReadOnly = true });
        Assert.Equal(1, (await store.Registry.GetModelAsync("drifty"))!.LatestVersion);
    }

    [Fact]
    public async Task Retrain_TriggersNotFired_NotRetrainedSaysWhy()
    {
        await RegisterChampionAsync();
        WriteCsv("same.csv", Rows(new Random(1), new DateTime(2026, 1, 1), 1500, 1));
        _cli.Write("retrain.yaml", Spec("same.csv", """
            retrain:
              trigger: { new_rows: 100, alert: true, schedule: 30d }
              comparison: { rows: 300 }
            """));
        var r = await _cli.RunAsync("retrain", "retrain.yaml", "--model", "drifty@champion", "--json");
        Assert.Equal(0, r.Exit);
        var o = r.Json();
        Assert.False(o.GetProperty("retrained").GetBoolean());
        var message = o.GetProperty("message").GetString()!;
        Assert.Contains("new_rows: 0 labelled rows beyond the champion's 1500, 100 needed", message, StringComparison.Ordinal);
        Assert.Contains("alert: no alert on drifty", message, StringComparison.Ordinal);
        Assert.Contains("schedule: champion is", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrain_AlertOnADeploymentServingTheModel_AlertTriggerFires()
    {
        await RegisterChampionAsync();
        await using (var setup = await KeelStore.OpenAsync(new StoreOptions { Uri = _cli.StoreFolder }))
        {
            // Deployment monitoring (keel monitor --deployment, serve --monitor-every) stores alerts under the deployment's name.
            await setup.Deployments.ApplyAsync(new Keel.Core.Deployments.Deployment
            {
                Name = "shop-api", Champion = "drifty@champion", Strategy = "none", SpecText = "endpoint: shop-api\n",
                State = new Keel.Core.Deployments.DeploymentState(Keel.Core.Deployments.RolloutPhase.Created, Keel.Core.Deployments.DeploymentMode.Full, 0, 0),
            }, "tester");
            await setup.Alerts.AppendAsync(new Keel.Core.Alerts.AlertRecord { Scope = "shop-api", Rule = "drift_share > 0.3", Value = 0.5, Window = "w", At = DateTimeOffset.UtcNow });
        }
        _cli.Write("retrain.yaml", Spec("old.csv", "retrain: { trigger: { alert: true }, comparison: { rows: 300 } }"));

        var r = await _cli.RunAsync("retrain", "retrain.yaml", "--model", "drifty@champion", "--json");

        var alert = r.Json().GetProperty("triggers").EnumerateArray().Single();
        Assert.True(alert.GetProperty("fired").GetBoolean(), alert.GetProperty("detail").GetString());
        Assert.Contains("1 alert(s) since version 1 was registered, latest 'drift_share > 0.3' on shop-api", alert.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(r.Json().GetProperty("retrained").GetBoolean());
    }

    [Fact]
    public async Task Retrain_BadPolicyField_Exit1NamingFileLineField()
    {
        await RegisterChampionAsync();
        _cli.Write("policy.yaml", "window: { kind: sliding }\n");
        var r = await _cli.RunAsync("retrain", "champion.yaml", "--model", "drifty@champion", "--policy", "policy.yaml");
        Assert.Equal(1, r.Exit);
        Assert.Contains("policy.yaml line 1, field 'retrain.window.last': missing", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrain_KilledWhileRunning_NoHalfRegisteredVersion()
    {
        await RegisterChampionAsync();
        WriteCsv("all.csv", Rows(new Random(1), new DateTime(2026, 1, 1), 1500, 1), Rows(new Random(2), new DateTime(2026, 9, 1), 6000, 2));
        _cli.Write("retrain.yaml", Spec("all.csv", "retrain: { window: { last: 400d }, comparison: { rows: 500 } }"));
        using var child = KeelProcess.Start(_cli.Folder, "dotnet", KeelProcess.Dll, "retrain", "retrain.yaml", "--model", "drifty@champion");
        var db = Path.Combine(_cli.StoreFolder, "keel.db");
        var sawRunning = false;
        while (!child.HasExited && !sawRunning)
        {
            await Task.Delay(10);
            sawRunning = await CountAsync(db, "SELECT COUNT(*) FROM runs WHERE status = 'running';") > 0;
        }
        if (!child.HasExited) child.Kill(); // SIGKILL: no handler runs, nothing is cleaned up
        await child.WaitForExitAsync();
        Assert.True(sawRunning, "the retraining run was never seen running");

        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = _cli.StoreFolder, ReadOnly = true });
        var versions = await store.Registry.ListVersionsAsync("drifty");
        // Whatever moment the kill hit: every version has its finished source run and its model file, and the alias names one of them.
        foreach (var v in versions)
        {
            Assert.Equal(Keel.Core.Tracking.RunStatus.Finished, (await store.Tracking.GetRunAsync(v.SourceRunId))!.Status);
            await using var file = await store.Artifacts.OpenReadAsync(v.ModelSha256);
        }
        var champion = (await store.Registry.GetByAliasAsync("drifty", "champion"))!;
        Assert.Contains(champion.Version, versions.Select(v => v.Version));
        var unfinished = await CountAsync(db, "SELECT COUNT(*) FROM runs WHERE status = 'running';");
        Assert.True(versions.Count == 1 ? unfinished == 1 : unfinished == 0, $"{versions.Count} versions, {unfinished} running runs");
    }

    private static async Task<long> CountAsync(string db, string sql)
    {
        if (!File.Exists(db)) return 0;
        await using var conn = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
