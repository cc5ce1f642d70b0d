using System.Text.Json;
using System.Xml.Linq;
using Keel.Pipeline.Monitor;
using Keel.Tracking;

namespace Keel.Cli.Tests;

/// <summary>`keel monitor` end to end on samples/monitoring (February like January; March shifted; weekends differ).</summary>
public sealed class MonitorCommandTests
{
    internal static async Task<CliHarness> TrainedAsync()
    {
        var h = Samples();
        h.Write("keel.yaml", "data: {path: shop-train.csv, label: churn, ignore: [date]}\nmodels: [linear]\nregister: {name: shop, alias: champion}\nseed: 1\n");
        var run = await h.RunAsync("run", "keel.yaml", "--json");
        Assert.Equal(0, run.Exit);
        return h;
    }

    /// <summary>A harness with the monitoring sample's two files in its folder.</summary>
    private static CliHarness Samples()
    {
        var h = new CliHarness();
        foreach (var f in new[] { "shop-train.csv", "shop-current.csv" }) File.Copy(CliHarness.Sample("monitoring/" + f), Path.Combine(h.Folder, f));
        return h;
    }

    private static string[] Drifted(JsonElement window) =>
        window.GetProperty("columns").EnumerateArray().Where(c => c.GetProperty("drifted").GetBoolean()).Select(c => c.GetProperty("column").GetString()!).ToArray();

    [Fact]
    public async Task Monitor_StoredReferenceWithTrainingFileGone_FlagsMarchNotFebruary()
    {
        using var h = await TrainedAsync();
        File.Delete(Path.Combine(h.Folder, "shop-train.csv"));

        var result = await h.RunAsync("monitor", "--model", "shop@champion", "--data", "shop-current.csv", "--window", "1mo", "--time-column", "date", "--json");

        Assert.Equal(0, result.Exit);
        var windows = result.Json().GetProperty("windows").EnumerateArray().ToArray();
        Assert.Equal(["2024-02", "2024-03"], windows.Select(w => w.GetProperty("window").GetString()));
        Assert.Empty(Drifted(windows[0]));
        Assert.Superset(new HashSet<string> { "amount", "channel", "country", "score" }, Drifted(windows[1]).ToHashSet());
        Assert.DoesNotContain("age", Drifted(windows[1]));
        var march = windows[1].GetProperty("figures");
        Assert.True(march.GetProperty("psi(amount)").GetDouble() > 0.2);
        Assert.True(march.GetProperty("unseen_rate(country)").GetDouble() > 0.1);
        Assert.Empty(windows[1].GetProperty("findings").EnumerateArray());

        // The windows are kept with the model version: a timeline builds up pass after pass.
        await h.RunAsync("monitor", "--model", "shop@champion", "--data", "shop-current.csv", "--window", "1mo", "--time-column", "date", "--json");
        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = h.StoreFolder, ReadOnly = true });
        var stored = await store.Monitoring.ListAsync("shop", 1);
        Assert.Equal(["2024-02", "2024-03", "2024-02", "2024-03"], stored.Select(s => s.Window));
        Assert.Equal(march.GetProperty("psi(amount)").GetDouble(), stored[1].Figures["psi(amount)"]);
    }

    [Fact]
    public async Task Monitor_SameWeekdayReference_WeekendDoesNotDrift()
    {
        using var h = Samples();
        async Task<JsonElement> Saturday(params string[] extra)
        {
            var r = await h.RunAsync(["monitor", "--reference", "shop-train.csv", "--data", "shop-current.csv", "--window", "1d", "--time-column", "date", "--json", .. extra]);
            Assert.Equal(0, r.Exit);
            return r.Json().GetProperty("windows").EnumerateArray().Single(w => w.GetProperty("window").GetString() == "2024-02-10");
        }

        Assert.Contains("channel", Drifted(await Saturday()));
        Assert.Empty(Drifted(await Saturday("--reference-period", "same-weekday")));
    }

    [Fact]
    public async Task Monitor_SchemaChangedWindow_ReportsFindingsAndExitsZero()
    {
        using var h = await TrainedAsync();
        // No country, amount as words, age all missing, a new column.
        h.Write("changed.csv", "date,amount,age,channel,region\n2024-04-01T10:00:00,high,,web,north\n2024-04-01T11:00:00,low,,app,south\n");

        var result = await h.RunAsync("monitor", "--model", "shop@champion", "--data", "changed.csv", "--json");

        Assert.Equal(0, result.Exit);
        var json = result.Json();
        var findings = json.GetProperty("windows")[0].GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("column").GetString(), f.GetProperty("kind").GetString())).ToArray();
        Assert.Contains(("country", "missing_column"), findings);
        Assert.Contains(("amount", "type_change"), findings);
        Assert.Contains(("age", "all_missing"), findings);
        Assert.Contains(("region", "new_column"), findings);
        Assert.Contains("output drift not computed", json.GetProperty("notes")[0].GetString());
    }

    [Fact]
    public async Task Monitor_Report_IsSelfContainedWellFormedHtml()
    {
        using var h = await TrainedAsync();

        var result = await h.RunAsync("monitor", "--model", "shop@champion", "--data", "shop-current.csv", "--window", "1mo", "--time-column", "date", "--report", "monitor.html");

        Assert.Equal(0, result.Exit);
        Assert.Contains("DRIFT", result.Console);
        var html = File.ReadAllText(Path.Combine(h.Folder, "monitor.html"));
        var doc = XDocument.Parse(html.Replace("<!DOCTYPE html>", ""));
        Assert.NotEmpty(doc.Descendants("{http://www.w3.org/2000/svg}svg"));
        Assert.DoesNotContain("<script", html);
        Assert.Contains("amount: reference vs 2024-03", html);
        Assert.Contains("psi per window", html);
    }

    [Theory]
    [InlineData("--threshold", "amount=psi", "--threshold 'amount=psi'")]
    [InlineData("--threshold", "amount=median:0.2", "STAT one of")]
    [InlineData("--window", "3 fortnights", "--window '3 fortnights'")]
    [InlineData("--small-window", "-1", "--small-window -1: expected 0 or more")]
    public async Task Monitor_BadFlag_ExitsOneNamingIt(string flag, string value, string expected)
    {
        using var h = Samples();
        var result = await h.RunAsync("monitor", "--reference", "shop-train.csv", "--data", "shop-train.csv", flag, value);
        Assert.Equal(1, result.Exit);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public async Task Monitor_WindowByTimeWithoutTimeColumn_ExitsOneNamingFlag()
    {
        using var h = Samples();
        var result = await h.RunAsync("monitor", "--reference", "shop-train.csv", "--data", "shop-train.csv", "--window", "1d");
        Assert.Equal(1, result.Exit);
        Assert.Contains("--time-column", result.Error);
    }
}

/// <summary>`keel monitor --deployment`: the prediction log as current data, with serving figures per window.</summary>
public sealed class MonitorDeploymentTests
{
    /// <summary>shop trained on January's file, registered as shop@champion and deployed by the file <paramref name="deployment"/>.</summary>
    internal static async Task<CliHarness> DeployedAsync(string deployment)
    {
        var h = new CliHarness();
        File.Copy(CliHarness.Sample("monitoring/shop-train.csv"), Path.Combine(h.Folder, "shop-train.csv"));
        h.Write("keel.yaml", "data: {path: shop-train.csv, label: churn, ignore: [date]}\nmodels: [linear]\nregister: {name: shop, alias: champion}\nseed: 1\n");
        Assert.Equal(0, (await h.RunAsync("run", "keel.yaml")).Exit);
        Assert.Equal(0, (await h.RunAsync("deployments", "create", h.Write("shop.deploy.yaml", deployment))).Exit);
        return h;
    }

    [Fact]
    public async Task Monitor_DeploymentLog_DriftAndServingFiguresPerDay()
    {
        using var h = await DeployedAsync("endpoint: shop\nchampion: shop@champion\n");

        // Day 1: every 27th row of January's training file; day 2 shifted (large amounts, all app); latencies 1..100 ms on day 1.
        var january = File.ReadLines(Path.Combine(h.Folder, "shop-train.csv")).Skip(1).Where((_, i) => i % 27 == 0).Take(100).Select(l => l.Split(',')).ToArray();
        var day1 = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        var records = new List<Keel.Core.PredictionLog.PredictionRecord>();
        var random = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            var shifted = i >= 100;
            var amount = shifted ? (300 + random.Next(100)).ToString(System.Globalization.CultureInfo.InvariantCulture) : january[i][1];
            var age = shifted ? "40" : january[i][2];
            var channel = shifted ? "app" : january[i][3];
            records.Add(new()
            {
                RequestId = $"r{i}", Time = day1.AddDays(shifted ? 1 : 0).AddMinutes(i), Model = "shop", Version = 1, Arm = "champion",
                Endpoint = "invocations", Deployment = "shop", LatencyMs = shifted ? 5 : i + 1, Rows = 1,
                InputsJson = $$"""[{"amount":{{amount}},"age":{{age}},"channel":"{{channel}}","country":"NO"}]""",
                OutputsJson = """[{"label":"no","probabilities":{"no":0.8,"yes":0.2}}]""",
            });
        }
        // Shadow copies of day 1's first 30 requests (the challenger is another version of the same model): not the deployment's traffic.
        records.AddRange(records.Take(30).Select(r => r with { RequestId = r.RequestId + "-shadow", Version = 2, Arm = "shadow", LatencyMs = 1000 }).ToList());
        // The same model served by another deployment, and by `keel serve --model` without one: not this deployment's traffic either.
        records.AddRange(records.Take(20).Select(r => r with { RequestId = r.RequestId + "-eu", Deployment = "shop-eu", LatencyMs = 1000 }).ToList());
        records.AddRange(records.Take(20).Select(r => r with { RequestId = r.RequestId + "-plain", Deployment = null, LatencyMs = 1000 }).ToList());
        await using (var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenSqliteAsync(Path.Combine(h.StoreFolder, "predictions.db")))
            await log.AppendAsync(records);

        var result = await h.RunAsync("monitor", "--deployment", "shop", "--window", "1d", "--json");

        Assert.Equal(0, result.Exit);
        var windows = result.Json().GetProperty("windows").EnumerateArray().ToArray();
        Assert.Equal(2, windows.Length);
        var first = windows[0].GetProperty("figures");
        Assert.Equal(100, first.GetProperty("requests").GetDouble());
        Assert.Equal(0, first.GetProperty("error_rate").GetDouble());
        Assert.Equal(50.5, first.GetProperty("p50_ms").GetDouble(), 9);
        Assert.Equal(99.01, first.GetProperty("p99_ms").GetDouble(), 9);
        Assert.True(first.GetProperty("drifted(amount)").GetDouble() == 0, first.ToString());
        var second = windows[1].GetProperty("figures");
        Assert.Equal(1, second.GetProperty("drifted(amount)").GetDouble());
        Assert.Equal(1, second.GetProperty("drifted(channel)").GetDouble());
        Assert.True(second.TryGetProperty("psi(score)", out _));
    }

    [Fact]
    public async Task Monitor_DeploymentFileRulesAndFeedback_AlertsAndPerformancePerDay()
    {
        using var h = await DeployedAsync("endpoint: shop\nchampion: shop@champion\nmonitor:\n  alerts: ['accuracy < 0.9', 'rows > 5']\n");
        var day1 = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        var records = Enumerable.Range(0, 20).Select(i => new Keel.Core.PredictionLog.PredictionRecord
        {
            RequestId = $"r{i}", Time = day1.AddDays(i / 10).AddMinutes(i), Model = "shop", Version = 1, Arm = "champion",
            Endpoint = "invocations", Deployment = "shop", LatencyMs = 3, Rows = 1,
            InputsJson = """[{"amount":20,"age":40,"channel":"web","country":"NO"}]""",
            OutputsJson = """[{"label":"no","probabilities":{"no":0.8,"yes":0.2}}]""",
        }).ToList();
        await using (var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenSqliteAsync(Path.Combine(h.StoreFolder, "predictions.db")))
        {
            await log.AppendAsync(records);
            // Day 1: eight of ten answers right; day 2: no feedback yet.
            for (var i = 0; i < 10; i++) await log.AddFeedbackAsync(new($"r{i}", i < 8 ? "\"no\"" : "\"yes\"", day1.AddDays(3)));
        }

        var result = await h.RunAsync("monitor", "--deployment", "shop", "--window", "1d", "--json");

        Assert.Equal(4, result.Exit);
        var windows = result.Json().GetProperty("windows").EnumerateArray().Select(w => w.GetProperty("figures")).ToArray();
        Assert.Equal(10, windows[0].GetProperty("labelled_rows").GetDouble());
        Assert.Equal(0.8, windows[0].GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(0.8, windows[0].GetProperty("estimated_accuracy").GetDouble(), 12);
        Assert.False(windows[1].TryGetProperty("labelled_rows", out _));
        Assert.Equal(0.8, windows[1].GetProperty("estimated_accuracy").GetDouble(), 12);
        var alerts = result.Json().GetProperty("alerts").EnumerateArray()
            .Select(a => (a.GetProperty("window").GetString(), a.GetProperty("rule").GetString(), a.GetProperty("status").GetString())).ToArray();
        Assert.Equal([("2024-02-01", "accuracy < 0.9", "fired"), ("2024-02-01", "rows > 5", "fired"), ("2024-02-02", "rows > 5", "cooldown")], alerts);
        var list = await h.RunAsync("alerts", "list", "--scope", "shop", "--json");
        Assert.Equal(2, list.Json().GetProperty("alerts").GetArrayLength());
    }

    [Fact]
    public async Task Monitor_DeploymentLogOfADateTimeInput_ReadAsTimesNotASchemaChange()
    {
        using var h = new CliHarness();
        File.Copy(CliHarness.Sample("monitoring/shop-train.csv"), Path.Combine(h.Folder, "shop-train.csv"));
        // The date is an input (its day of the week a feature), so the reference profiles it as a date-time column.
        h.Write("keel.yaml", "data: {path: shop-train.csv, label: churn, time_column: date, time_features: [dayofweek]}\nmodels: [linear]\n"
            + "register: {name: shop, alias: champion}\nseed: 1\n");
        Assert.Equal(0, (await h.RunAsync("run", "keel.yaml")).Exit);
        Assert.Equal(0, (await h.RunAsync("deployments", "create", h.Write("shop.deploy.yaml", "endpoint: shop\nchampion: shop@champion\n"))).Exit);
        var day1 = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenSqliteAsync(Path.Combine(h.StoreFolder, "predictions.db")))
            await log.AppendAsync(Enumerable.Range(0, 10).Select(i => Logged("shop", $"r{i}", day1.AddMinutes(i), i == 9
                ? """[{"date":null,"amount":20,"age":40,"channel":"web","country":"NO"}]"""
                : $$"""[{"date":"2024-02-0{{1 + i % 3}}T10:00:00Z","amount":20,"age":40,"channel":"web","country":"NO"}]""",
                """[{"label":"no","probabilities":{"no":0.8,"yes":0.2}}]""") with { LatencyMs = 3 }).ToList());

        var result = await h.RunAsync("monitor", "--deployment", "shop", "--json", "--no-store");

        Assert.True(result.Exit == 0, result.Error);
        var window = Assert.Single(result.Json().GetProperty("windows").EnumerateArray());
        Assert.Empty(window.GetProperty("findings").EnumerateArray());
        Assert.Equal(0.1, window.GetProperty("figures").GetProperty("missing_rate(date)").GetDouble(), 12);
    }

    [Fact]
    public async Task Monitor_DeploymentLogOfTwoVersions_NotesThatTheirOutputsMixUnlessOneArmIsNamed()
    {
        using var h = await DeployedAsync("endpoint: shop\nchampion: shop@champion\n");
        const string row = """{"amount":20,"age":40,"channel":"web","country":"NO"}""";
        await using (var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenSqliteAsync(Path.Combine(h.StoreFolder, "predictions.db")))
            await log.AppendAsync(Enumerable.Range(0, 4).Select(i => new Keel.Core.PredictionLog.PredictionRecord
            {
                RequestId = $"r{i}", Time = new DateTimeOffset(2024, 2, 1, 0, i, 0, TimeSpan.Zero), Model = "shop", Version = 1 + i % 2, Arm = i % 2 == 0 ? "champion" : "challenger",
                Endpoint = "invocations", Deployment = "shop", LatencyMs = 1, Rows = 1, InputsJson = $"[{row}]", OutputsJson = """[{"label":"no","probabilities":{"no":0.8,"yes":0.2}}]""",
            }).ToList());

        var both = await h.RunAsync("monitor", "--deployment", "shop", "--no-store");
        var one = await h.RunAsync("monitor", "--deployment", "shop", "--arm", "champion", "--no-store");

        Assert.True(both.Exit == 0, both.Error);
        Assert.Contains("note: the answers of 2 model versions are in these windows, so their output drift (against one version's reference) and performance mix", both.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("model versions are in these windows", one.Console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_DeploymentLogByRows_WindowsTakeWholeRequests()
    {
        using var h = await DeployedAsync("endpoint: shop\nchampion: shop@champion\n");
        // Three requests of three rows each, every row labelled; the third request's answers all wrong.
        const string row = """{"amount":20,"age":40,"channel":"web","country":"NO"}""";
        const string answer = """{"label":"no","probabilities":{"no":0.8,"yes":0.2}}""";
        var day1 = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenSqliteAsync(Path.Combine(h.StoreFolder, "predictions.db")))
        {
            await log.AppendAsync(Enumerable.Range(0, 3).Select(i => new Keel.Core.PredictionLog.PredictionRecord
            {
                RequestId = $"r{i}", Time = day1.AddMinutes(i), Model = "shop", Version = 1, Arm = "champion", Endpoint = "invocations", Deployment = "shop", LatencyMs = 10 * (i + 1), Rows = 3,
                InputsJson = $"[{row},{row},{row}]", OutputsJson = $"[{answer},{answer},{answer}]",
            }).ToList());
            for (var i = 0; i < 3; i++) await log.AddFeedbackAsync(new($"r{i}", i < 2 ? """["no","no","no"]""" : """["yes","yes","yes"]""", day1.AddDays(1)));
        }

        var result = await h.RunAsync("monitor", "--deployment", "shop", "--window", "2", "--json");

        Assert.Equal(0, result.Exit);
        var windows = result.Json().GetProperty("windows").EnumerateArray().ToArray();
        // Two rows per window asked; each window runs on to the end of its request, so no request is counted twice.
        Assert.Equal(["rows 0–2", "rows 3–5", "rows 6–8"], windows.Select(w => w.GetProperty("window").GetString()));
        var figures = windows.Select(w => w.GetProperty("figures")).ToArray();
        Assert.All(figures, f => Assert.Equal((1.0, 3.0), (f.GetProperty("requests").GetDouble(), f.GetProperty("labelled_rows").GetDouble())));
        Assert.Equal([1.0, 1.0, 0.0], figures.Select(f => f.GetProperty("accuracy").GetDouble()));
        Assert.Equal([10.0, 20.0, 30.0], figures.Select(f => f.GetProperty("p50_ms").GetDouble()));
    }

    /// <summary>Twenty one-row requests, ten on 2024-02-01 and ten on 2024-02-02, the second day's latencies 5 ms, the first's 3.</summary>
    private static async Task LogTwoDaysAsync(CliHarness h)
    {
        var day1 = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        await using var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenSqliteAsync(Path.Combine(h.StoreFolder, "predictions.db"));
        await log.AppendAsync(Enumerable.Range(0, 20).Select(i => new Keel.Core.PredictionLog.PredictionRecord
        {
            RequestId = $"r{i:00}", Time = day1.AddDays(i / 10).AddMinutes(i), Model = "shop", Version = 1, Arm = "champion",
            Endpoint = "invocations", Deployment = "shop", LatencyMs = i < 10 ? 3 : 5, Rows = 1,
            InputsJson = """[{"amount":20,"age":40,"channel":"web","country":"NO"}]""",
            OutputsJson = """[{"label":"no","probabilities":{"no":0.8,"yes":0.2}}]""",
        }).ToList());
    }

    [Fact]
    public async Task Monitor_DeploymentFromTo_ReadsOnlyThatRangeOfTheLog()
    {
        using var h = await DeployedAsync("endpoint: shop\nchampion: shop@champion\n");
        await LogTwoDaysAsync(h);

        var result = await h.RunAsync("monitor", "--deployment", "shop", "--from", "2024-02-02", "--to", "2024-02-03", "--json", "--no-store");

        Assert.True(result.Exit == 0, result.Error);
        var window = Assert.Single(result.Json().GetProperty("windows").EnumerateArray());
        Assert.Equal("2024-02-02T00:00:00Z..2024-02-03T00:00:00Z", window.GetProperty("window").GetString());
        Assert.Equal((10.0, 5.0), (window.GetProperty("figures").GetProperty("requests").GetDouble(), window.GetProperty("figures").GetProperty("p50_ms").GetDouble()));

        var backwards = await h.RunAsync("monitor", "--deployment", "shop", "--from", "2024-02-03", "--to", "2024-02-02");
        Assert.Equal(1, backwards.Exit);
        Assert.Contains("is not before --to", backwards.Error);
        var unreadable = await h.RunAsync("monitor", "--deployment", "shop", "--from", "yesterday");
        Assert.Equal(1, unreadable.Exit);
        Assert.Contains("--from 'yesterday': expected an ISO 8601 date or time", unreadable.Error);
        var file = await h.RunAsync("monitor", "--model", "shop@champion", "--data", "shop-train.csv", "--from", "2024-02-02");
        Assert.Equal(1, file.Exit);
        Assert.Contains("--from and --to choose the requests of a prediction log", file.Error);
    }

    [Fact]
    public async Task Monitor_LargeLog_ReportsRequestsReadOnStandardErrorButNotWithJson()
    {
        using var h = await DeployedAsync("endpoint: shop\nchampion: shop@champion\n");
        var day1 = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenSqliteAsync(Path.Combine(h.StoreFolder, "predictions.db")))
            await log.AppendAsync(Enumerable.Range(0, LogWindows.ProgressEvery + 1).Select(i => new Keel.Core.PredictionLog.PredictionRecord
            {
                RequestId = $"r{i:000000}", Time = day1.AddSeconds(i / 10), Model = "shop", Version = 1, Arm = "champion",
                Endpoint = "invocations", Deployment = "shop", LatencyMs = 3, Rows = 1, InputsJson = "[{\"amount\":20}]", OutputsJson = "[{\"label\":\"no\",\"probabilities\":{\"no\":0.8,\"yes\":0.2}}]",
            }).ToList());

        var text = await h.RunAsync("monitor", "--deployment", "shop", "--no-store");
        var json = await h.RunAsync("monitor", "--deployment", "shop", "--no-store", "--json");

        Assert.True(text.Exit == 0, text.Error);
        Assert.Contains("250,000 logged requests read (", text.Error, StringComparison.Ordinal);
        Assert.Contains("(250,001 requests, 250,001 rows)", text.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("logged requests read", json.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogWindows_MoreRequestsThanTheCap_ReadsTheNewestAndSaysTheOlderWereLeftOut()
    {
        using var h = await DeployedAsync("endpoint: shop\nchampion: shop@champion\n");
        await LogTwoDaysAsync(h);
        await using var store = await Keel.Tracking.KeelStore.OpenAsync(new Keel.Tracking.StoreOptions { Uri = h.StoreFolder });

        var capped = await LogWindows.ReadAsync(store, "shop", null, null, null, null, CancellationToken.None, maxRequests: 4);
        var whole = await LogWindows.ReadAsync(store, "shop", null, null, null, null, CancellationToken.None, maxRequests: 20);

        // The four newest requests (minutes 16 to 19 of day 2), not the four oldest of day 1.
        var times = capped.Table[LogWindows.TimeColumn] as Keel.Core.Data.NumericColumn;
        Assert.Equal(Enumerable.Range(16, 4).Select(i => (double)new DateTimeOffset(2024, 2, 2, 0, i, 0, TimeSpan.Zero).ToUnixTimeSeconds()), times!.Values.ToArray());
        Assert.Contains("its newest 4 requests", capped.Description, StringComparison.Ordinal);
        Assert.Contains("were left out", capped.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("left out", whole.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogWindows_ChampionAndChallengerAnswered_DescriptionSaysWhichAnsweredHowMany()
    {
        using var h = await DeployedAsync("endpoint: shop\nchampion: shop@champion\n");
        await LogArmsAsync(h, 20, i => i % 4 == 0 ? (2, "challenger", 3) : (1, "champion", 3));
        await using var store = await Keel.Tracking.KeelStore.OpenAsync(new Keel.Tracking.StoreOptions { Uri = h.StoreFolder });

        var current = await LogWindows.ReadAsync(store, "shop", null, null, null, null, CancellationToken.None);

        Assert.Equal("prediction log of deployment shop (20 requests, 20 rows; answered by shop:1 (champion) 15, shop:2 (challenger) 5)", current.Description);
    }

    [Fact]
    public async Task Monitor_DeploymentArm_ReadsOnlyThatArmsRequests()
    {
        using var h = await DeployedAsync("endpoint: shop\nchampion: shop@champion\nchallenger: shop:1\n");
        await LogArmsAsync(h, 30, i => i % 3 == 0 ? (1, "challenger", 9) : (1, "champion", 3));

        var challenger = await h.RunAsync("monitor", "--deployment", "shop", "--arm", "challenger", "--json", "--no-store");
        var champion = await h.RunAsync("monitor", "--deployment", "shop", "--arm", "champion", "--json", "--no-store");

        Assert.True(challenger.Exit == 0, challenger.Error);
        var figures = challenger.Json().GetProperty("windows")[0].GetProperty("figures");
        Assert.Equal((10.0, 9.0), (figures.GetProperty("requests").GetDouble(), figures.GetProperty("p50_ms").GetDouble()));
        Assert.StartsWith("prediction log of deployment shop, arm challenger (10 requests", challenger.Json().GetProperty("current").GetString());
        Assert.Equal(20, champion.Json().GetProperty("windows")[0].GetProperty("figures").GetProperty("requests").GetDouble());
        var sideways = await h.RunAsync("monitor", "--deployment", "shop", "--arm", "sideways");
        Assert.Equal((1, true), (sideways.Exit, sideways.Error.Contains("--arm 'sideways': expected champion or challenger", StringComparison.Ordinal)));
        var file = await h.RunAsync("monitor", "--model", "shop@champion", "--data", "shop-train.csv", "--arm", "champion");
        Assert.Equal((1, true), (file.Exit, file.Error.Contains("--arm chooses the requests of a deployment's arm; give --deployment NAME", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Monitor_RegressionDeploymentLog_ValuesLoggedAsObjectsGiveOutputDriftAndRmse()
    {
        using var h = new CliHarness();
        var random = new Random(3);
        var rows = Enumerable.Range(0, 300).Select(_ => random.NextDouble() * 10).Select(x => (X: x, Y: 3 * x + random.NextDouble())).ToArray();
        h.Write("price.csv", "x,y\n" + string.Join("\n", rows.Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.X:0.###},{r.Y:0.###}"))) + "\n");
        h.Write("keel.yaml", "data: {path: price.csv, label: y}\nmodels: [linear]\nregister: {name: price, alias: champion}\nseed: 1\n");
        Assert.Equal(0, (await h.RunAsync("run", "keel.yaml")).Exit);
        Assert.Equal(0, (await h.RunAsync("deployments", "create", h.Write("price.deploy.yaml", "endpoint: price\nchampion: price@champion\n"))).Exit);
        // A deployment's regression answers carry notes, so keel serve logs each as {"value": v} (here with a post-processing note).
        var day = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenSqliteAsync(Path.Combine(h.StoreFolder, "predictions.db")))
        {
            await log.AppendAsync(Enumerable.Range(0, 40).Select(i => Logged("price", $"r{i}", day.AddMinutes(i), $"[{{\"x\":{i % 10}}}]",
                i == 0 ? "[{\"value\":0,\"post_processing\":[{\"rule\":\"clamp\",\"before\":\"-1\",\"after\":\"0\"}]}]" : $"[{{\"value\":{3 * (i % 10)}}}]")).ToList());
            foreach (var i in new[] { 1, 2, 3 })
                await log.AddFeedbackAsync(new Keel.Core.PredictionLog.FeedbackRecord($"r{i}", (3 * (i % 10) + 2).ToString(System.Globalization.CultureInfo.InvariantCulture), day));
        }

        var result = await h.RunAsync("monitor", "--deployment", "price", "--json", "--no-store");

        Assert.True(result.Exit == 0, result.Error);
        var window = result.Json().GetProperty("windows")[0];
        Assert.Equal((3.0, 2.0), (window.GetProperty("figures").GetProperty("labelled_rows").GetDouble(), window.GetProperty("figures").GetProperty("rmse").GetDouble()));
        Assert.Contains(window.GetProperty("columns").EnumerateArray(), c => c.GetProperty("column").GetString() == "predicted" && c.GetProperty("ks").ValueKind == JsonValueKind.Number);
    }

    [Fact]
    public async Task Monitor_PromotedDeployment_ComparesWithThePromotedChallengersReferenceAndStoresWithIt()
    {
        using var h = await DeployedAsync("endpoint: shop\nchampion: shop@champion\n");
        h.Write("second.yaml", "data: {path: shop-train.csv, label: churn, ignore: [date]}\nmodels: [linear]\nregister: {name: shop, alias: challenger}\nseed: 2\n");
        Assert.Equal(0, (await h.RunAsync("run", "second.yaml")).Exit);
        Assert.Equal(0, (await h.RunAsync("deployments", "create", h.Write("shop.deploy.yaml", "endpoint: shop\nchampion: shop@champion\nchallenger: shop@challenger\n"))).Exit);
        Assert.Equal(0, (await h.RunAsync("deployments", "promote", "shop")).Exit);
        await LogArmsAsync(h, 10, _ => (2, "challenger", 3));

        var promoted = await h.RunAsync("monitor", "--deployment", "shop", "--json");
        var champion = await h.RunAsync("monitor", "--deployment", "shop", "--arm", "champion", "--json", "--no-store");

        // Version 2 answers everything since the promotion, while shop@champion still names version 1 (a promotion moves no alias).
        Assert.True(promoted.Exit == 0, promoted.Error);
        Assert.StartsWith("shop:2 stored reference", promoted.Json().GetProperty("reference").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, promoted.Json().GetProperty("version").GetInt32());
        Assert.StartsWith("shop:1 stored reference", champion.Json().GetProperty("reference").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_ShadowDeploymentArmChallenger_ReadsTheShadowCopiesWithTheirRequestsFeedback()
    {
        using var h = await DeployedAsync("endpoint: shop\nchampion: shop@champion\nchallenger: shop:1\nstrategy: shadow\n");
        // A shadow rollout: the champion answers every request; the challenger answers a copy of each, logged as request id + ".shadow".
        await LogArmsAsync(h, 12, i => i % 2 == 0 ? (1, "champion", 3) : (1, Keel.Core.PredictionLog.PredictionRecord.ShadowArm, 9),
            i => i % 2 == 0 ? $"r{i}" : $"r{i - 1}{Keel.Core.PredictionLog.PredictionRecord.ShadowSuffix}");
        await using (var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenSqliteAsync(Path.Combine(h.StoreFolder, "predictions.db")))
        {
            foreach (var i in new[] { 0, 2, 4 })
                await log.AddFeedbackAsync(new Keel.Core.PredictionLog.FeedbackRecord($"r{i}", i == 4 ? "\"yes\"" : "\"no\"", DateTimeOffset.UnixEpoch));
        }

        var challenger = await h.RunAsync("monitor", "--deployment", "shop", "--arm", "challenger", "--json", "--no-store");
        var all = await h.RunAsync("monitor", "--deployment", "shop", "--json", "--no-store");

        Assert.True(challenger.Exit == 0, challenger.Error);
        var figures = challenger.Json().GetProperty("windows")[0].GetProperty("figures");
        Assert.Equal((6.0, 9.0, 3.0), (figures.GetProperty("requests").GetDouble(), figures.GetProperty("p50_ms").GetDouble(), figures.GetProperty("labelled_rows").GetDouble()));
        Assert.Equal(2.0 / 3, figures.GetProperty("accuracy").GetDouble(), 12);
        // The deployment's own traffic is what the champion returned: the copies are left out.
        Assert.Equal((6.0, 3.0), (all.Json().GetProperty("windows")[0].GetProperty("figures").GetProperty("requests").GetDouble(),
            all.Json().GetProperty("windows")[0].GetProperty("figures").GetProperty("p50_ms").GetDouble()));
    }

    /// <summary>A one-row request of the deployment named like <paramref name="model"/>, answered by its champion version 1 in 1 ms.</summary>
    private static Keel.Core.PredictionLog.PredictionRecord Logged(string model, string id, DateTimeOffset at, string inputs, string outputs) => new()
    {
        RequestId = id, Time = at, Model = model, Version = 1, Arm = "champion", Endpoint = "invocations", Deployment = model,
        LatencyMs = 1, Rows = 1, InputsJson = inputs, OutputsJson = outputs,
    };

    /// <summary>Logs <paramref name="n"/> one-row requests of deployment shop, a minute apart from 2024-02-01, each answered by the version
    /// and arm, with the latency, that <paramref name="answer"/> gives it.</summary>
    private static async Task LogArmsAsync(CliHarness h, int n, Func<int, (int Version, string Arm, double Ms)> answer, Func<int, string>? requestId = null)
    {
        var day1 = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        await using var log = await Keel.Tracking.PredictionLog.PredictionLogStores.OpenSqliteAsync(Path.Combine(h.StoreFolder, "predictions.db"));
        await log.AppendAsync(Enumerable.Range(0, n).Select(i => new Keel.Core.PredictionLog.PredictionRecord
        {
            RequestId = requestId?.Invoke(i) ?? $"r{i}", Time = day1.AddMinutes(i), Model = "shop", Version = answer(i).Version, Arm = answer(i).Arm, Endpoint = "invocations",
            Deployment = "shop", LatencyMs = answer(i).Ms, Rows = 1, InputsJson = "[{\"amount\":20}]",
            OutputsJson = "[{\"label\":\"no\",\"probabilities\":{\"no\":0.8,\"yes\":0.2}}]",
        }).ToList());
    }

    internal sealed class SetClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static string[] Statuses(CliHarness.Result r) =>
        r.Json().GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("status").GetString()!).ToArray();

    [Fact]
    public async Task Monitor_RuleHoldsOnShiftedWindow_ExitsFourStoresAlertAndAddsPerformance()
    {
        using var h = await MonitorCommandTests.TrainedAsync();
        h.Write("alerts.yaml", "monitor:\n  alerts:\n    - psi(amount) > 0.2\n    - auc < 0.01\n  log: alerts.jsonl\n");

        var result = await h.RunAsync("monitor", "--model", "shop@champion", "--data", "shop-current.csv", "--window", "1mo", "--time-column", "date",
            "--spec", "alerts.yaml", "--labels", "shop-current.csv", "--key", "date", "--json");

        Assert.Equal(4, result.Exit);
        var alert = Assert.Single(result.Json().GetProperty("alerts").EnumerateArray());
        Assert.Equal(("2024-03", "psi(amount) > 0.2", "fired"), (alert.GetProperty("window").GetString(), alert.GetProperty("rule").GetString(), alert.GetProperty("status").GetString()));
        Assert.Contains("ALERT shop@champion: psi(amount) > 0.2", result.Error);
        Assert.Single(File.ReadAllLines(Path.Combine(h.Folder, "alerts.jsonl")));
        foreach (var w in result.Json().GetProperty("windows").EnumerateArray())
        {
            var f = w.GetProperty("figures");
            Assert.True(f.GetProperty("labelled_rows").GetDouble() > 1000);
            Assert.InRange(f.GetProperty("auc").GetDouble(), 0.5, 1);
            Assert.InRange(f.GetProperty("estimated_auc").GetDouble(), 0.5, 1);
            Assert.True(f.TryGetProperty("accuracy", out _));
        }

        var list = await h.RunAsync("alerts", "list", "--json");
        var stored = Assert.Single(list.Json().GetProperty("alerts").EnumerateArray());
        Assert.Equal(("shop@champion", "psi(amount) > 0.2", "2024-03"), (stored.GetProperty("scope").GetString(), stored.GetProperty("rule").GetString(), stored.GetProperty("window").GetString()));
        // --model finds it by the model's name; --scope needs the scope as written.
        Assert.Single((await h.RunAsync("alerts", "list", "--model", "shop", "--json")).Json().GetProperty("alerts").EnumerateArray());
        Assert.Empty((await h.RunAsync("alerts", "list", "--model", "sho", "--json")).Json().GetProperty("alerts").EnumerateArray());
        Assert.Empty((await h.RunAsync("alerts", "list", "--scope", "shop", "--json")).Json().GetProperty("alerts").EnumerateArray());
    }

    [Fact]
    public async Task Monitor_LabelsStopFollowingTheModelInMarch_ConceptDriftFlaggedThereOnly()
    {
        using var h = await MonitorCommandTests.TrainedAsync();
        // The same rows, their labels flipped in March: the inputs do not change, the concept does.
        var lines = File.ReadAllLines(Path.Combine(h.Folder, "shop-current.csv"));
        h.Write("labels.csv", string.Join("\n", lines.Select((l, i) => i == 0 || !l.StartsWith("2024-03", StringComparison.Ordinal) ? l
            : l.EndsWith(",yes", StringComparison.Ordinal) ? l[..^3] + "no" : l[..^2] + "yes")) + "\n");

        var result = await h.RunAsync("monitor", "--model", "shop@champion", "--data", "shop-current.csv", "--window", "1mo", "--time-column", "date",
            "--labels", "labels.csv", "--key", "date", "--json");

        Assert.True(result.Exit == 0, result.Error);
        var figures = result.Json().GetProperty("windows").EnumerateArray().ToDictionary(w => w.GetProperty("window").GetString()!, w => w.GetProperty("figures"));
        Assert.Equal(0, figures["2024-02"].GetProperty("concept_drift").GetDouble());
        Assert.Equal(1, figures["2024-03"].GetProperty("concept_drift").GetDouble());
        foreach (var f in figures.Values)
            Assert.InRange(f.GetProperty("auc").GetDouble(), f.GetProperty("auc_low").GetDouble(), f.GetProperty("auc_high").GetDouble());
    }

    [Fact]
    public async Task Monitor_RuleHoldsAgainWithinCooldown_HeldUntilCooldownPasses()
    {
        using var h = await MonitorCommandTests.TrainedAsync();
        var clock = new SetClock(new DateTimeOffset(2024, 4, 1, 8, 0, 0, TimeSpan.Zero));
        h.Time = clock;
        h.Write("alerts.yaml", "monitor:\n  alerts: ['psi(amount) > 0.2']\n  cooldown: 6h\n");
        Task<CliHarness.Result> Monitor(string window) =>
            h.RunAsync("monitor", "--model", "shop@champion", "--data", "shop-current.csv", "--window", window, "--time-column", "date", "--spec", "alerts.yaml", "--json");

        Assert.Equal(4, (await Monitor("1mo")).Exit);

        clock.Now += TimeSpan.FromHours(1);
        var again = await Monitor("1mo");
        Assert.Equal(0, again.Exit);
        Assert.Equal(["duplicate"], Statuses(again));
        var daily = await Monitor("1d");
        Assert.Equal(0, daily.Exit);
        Assert.NotEmpty(Statuses(daily));
        Assert.All(Statuses(daily), s => Assert.Equal("cooldown", s));

        clock.Now += TimeSpan.FromHours(6);
        var later = await Monitor("1d");
        Assert.Equal(4, later.Exit);
        Assert.Equal("fired", Statuses(later)[0]);
        Assert.All(Statuses(later).Skip(1), s => Assert.Equal("cooldown", s));
    }

    [Fact]
    public async Task Monitor_RuleWhoseConditionFails_SuppressedNotFired()
    {
        using var h = await MonitorCommandTests.TrainedAsync();
        h.Write("alerts.yaml", "monitor:\n  alerts:\n    - { rule: psi(amount) > 0.2, when: rows >= 100000 }\n");

        var json = await h.RunAsync("monitor", "--model", "shop@champion", "--data", "shop-current.csv", "--window", "1mo", "--time-column", "date",
            "--spec", "alerts.yaml", "--no-store", "--json");
        var text = await h.RunAsync("monitor", "--model", "shop@champion", "--data", "shop-current.csv", "--window", "1mo", "--time-column", "date",
            "--spec", "alerts.yaml", "--no-store");

        Assert.Equal((0, 0), (json.Exit, text.Exit));
        Assert.NotEmpty(Statuses(json));
        Assert.All(Statuses(json), s => Assert.Equal("suppressed", s));
        Assert.Contains("alert suppressed: psi(amount) > 0.2 (value ", text.Console, StringComparison.Ordinal);
        Assert.Contains("its condition 'rows >= 100000' does not hold (value ", text.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("ALERT", text.Error, StringComparison.Ordinal);
    }
}
