using Keel.Core.Tracking;
using Keel.Tracking;
using Keel.Training;

namespace Keel.Cli.Tests;

public sealed class RegistryAndRunsCommandTests
{
    private static async Task<(CliHarness, string, string)> TwoRunsAsync()
    {
        var h = new CliHarness();
        h.CopySample("penguins.csv");
        h.Write("keel.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [zero_rule, linear]\nseed: 1\n");
        var a = (await h.RunAsync("run", "keel.yaml", "--json")).Json().GetProperty("run_id").GetString()!;
        var b = (await h.RunAsync("run", "keel.yaml", "--json", "--seed", "2")).Json().GetProperty("run_id").GetString()!;
        return (h, a, b);
    }

    [Fact]
    public async Task RunsListShowCompare_AfterTwoRuns_ShowThem()
    {
        var (h, a, b) = await TwoRunsAsync();
        using var harness = h;

        var list = (await h.RunAsync("runs", "list", "--json")).Json().GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal([b, a], list.Select(r => r.GetProperty("id").GetString()));
        Assert.All(list, r => Assert.Equal("finished", r.GetProperty("status").GetString()));

        var show = (await h.RunAsync("runs", "show", a[..8], "--json")).Json();
        var run = show.GetProperty("run");
        Assert.Equal(a, run.GetProperty("id").GetString());
        Assert.Equal("1", run.GetProperty("params").GetProperty("seed").GetString());
        Assert.True(run.GetProperty("metrics").TryGetProperty("linear.test.macro_f1", out _));
        Assert.True(run.GetProperty("tags").TryGetProperty("keel.dotnet", out _));
        // The run records the version `keel --version` prints (one version for every assembly), not a library's default 1.0.0.
        var cli = typeof(KeelApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.Equal(cli.Split('+')[0], run.GetProperty("tags").GetProperty("keel.version").GetString());
        var paths = show.GetProperty("artifacts").EnumerateArray().Select(x => x.GetProperty("path").GetString()).ToArray();
        foreach (var p in new[] { "spec/keel.yaml", "data/schema.json", "split/test.txt", "models/linear.keelmodel", "models/final.keelmodel", "predictions/linear.test.parquet", "report.html" })
            Assert.Contains(p, paths);

        var compare = (await h.RunAsync("runs", "compare", a, b, "--json")).Json();
        Assert.Contains("seed", compare.GetProperty("differing_params").EnumerateArray().Select(x => x.GetString()));

        var human = await h.RunAsync("runs", "compare", a, b);
        Assert.Equal(0, human.Exit);
        Assert.Contains("seed", human.Console);
        var same = await h.RunAsync("runs", "compare", a, a);
        Assert.Contains("params: all the same", same.Console);
        Assert.Contains("metrics: all the same", same.Console);

        var filtered = (await h.RunAsync("runs", "list", "--json", "--filter", "params.seed = '2'")).Json();
        Assert.Equal(b, filtered.GetProperty("runs").EnumerateArray().Single().GetProperty("id").GetString());
    }

    [Fact]
    public async Task RunsList_ChildRuns_LeftOutAndCountedUnlessAskedOrFiltered()
    {
        using var h = new CliHarness();
        string parent;
        await using (var store = await Keel.Tracking.KeelStore.OpenAsync(new Keel.Tracking.StoreOptions { Uri = h.StoreFolder }))
        {
            var e = await store.Tracking.GetOrCreateExperimentAsync("tuning");
            var t0 = DateTimeOffset.UtcNow;
            parent = (await store.Tracking.CreateRunAsync(e.Id, "the-search", t0, new Dictionary<string, string>())).Id;
            for (var i = 0; i < 2; i++)
                await store.Tracking.CreateRunAsync(e.Id, $"trial-{i}", t0.AddSeconds(1 + i), new Dictionary<string, string> { [Keel.Core.Tracking.RunTags.Parent] = parent });
        }

        var list = await h.RunAsync("runs", "list", "--json");
        var human = await h.RunAsync("runs", "list");
        var all = await h.RunAsync("runs", "list", "--children", "--json");
        var filtered = await h.RunAsync("runs", "list", "--filter", $"tags.keel.parent_run_id = '{parent}'", "--json");

        var listed = Assert.Single(list.Json().GetProperty("runs").EnumerateArray());
        Assert.Equal(("the-search", 2), (listed.GetProperty("name").GetString(), listed.GetProperty("child_runs").GetInt32()));
        Assert.Contains("2 child run(s) of 1 of these (a search's trials) not listed: --children lists them", human.Console, StringComparison.Ordinal);
        Assert.Equal(["trial-1", "trial-0", "the-search"], all.Json().GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(["trial-1", "trial-0"], filtered.Json().GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
    }

    /// <summary>A finished run of experiment "tuning" logged straight into the harness's store (as the tracking API logs one), a child
    /// of <paramref name="parent"/> when given; its id.</summary>
    private static async Task<string> LogFinishedRunAsync(CliHarness h, string name, string? parent = null)
    {
        await using var store = await Keel.Tracking.KeelStore.OpenAsync(new Keel.Tracking.StoreOptions { Uri = h.StoreFolder });
        var e = await store.Tracking.GetOrCreateExperimentAsync("tuning");
        var tags = parent is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [Keel.Core.Tracking.RunTags.Parent] = parent };
        var run = await store.Tracking.CreateRunAsync(e.Id, name, DateTimeOffset.UtcNow, tags);
        await store.Tracking.SetRunStatusAsync(run.Id, Keel.Core.Tracking.RunStatus.Finished, DateTimeOffset.UtcNow);
        return run.Id;
    }

    [Fact]
    public async Task RunsDelete_RunsLoggedThroughTheApi_NoReportsFolder_AllDeleted()
    {
        using var h = new CliHarness();
        var ids = new List<string>();
        for (var i = 0; i < 2; i++) ids.Add(await LogFinishedRunAsync(h, $"logged-{i}"));
        Assert.False(Directory.Exists(Path.Combine(h.StoreFolder, "reports")));

        var deleted = await h.RunAsync("runs", "delete", ids[0], ids[1], "--yes", "--json");

        Assert.True(deleted.Exit == 0, deleted.Error);
        Assert.Equal(ids, deleted.Json().GetProperty("deleted").EnumerateArray().Select(x => x.GetString()));
        Assert.Empty((await h.RunAsync("runs", "list", "--json")).Json().GetProperty("runs").EnumerateArray());
    }

    [Fact]
    public async Task RunsDelete_Children_DeletesTheSearchsTrialsToo_WithoutItSaysTheyStay()
    {
        using var h = new CliHarness();
        var parents = new List<string>();
        for (var s = 0; s < 2; s++)
        {
            parents.Add(await LogFinishedRunAsync(h, $"search-{s}"));
            for (var i = 0; i < 3; i++) await LogFinishedRunAsync(h, $"search-{s}-trial-{i}", parents[^1]);
        }

        var alone = await h.RunAsync("runs", "delete", parents[0], "--yes");
        var withChildren = await h.RunAsync("runs", "delete", parents[1], "--children", "--yes", "--json");

        Assert.Equal(0, alone.Exit);
        Assert.Contains("3 child run(s) of these (a search's trials) stay: --children deletes them too.", alone.Console, StringComparison.Ordinal);
        Assert.Equal(0, withChildren.Exit);
        Assert.Equal(4, withChildren.Json().GetProperty("deleted").GetArrayLength());
        var left = (await h.RunAsync("runs", "list", "--children", "--json")).Json().GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()).Order();
        Assert.Equal(["search-0-trial-0", "search-0-trial-1", "search-0-trial-2"], left);
    }

    [Fact]
    public async Task ModelsAlias_MovesAliasAndRecordsHistory()
    {
        var (h, _, b) = await TwoRunsAsync();
        using var harness = h;

        var models = (await h.RunAsync("models", "list", "--json")).Json().GetProperty("models");
        Assert.Equal(2, models[0].GetProperty("latest_version").GetInt32());

        Assert.Equal(0, (await h.RunAsync("models", "alias", "penguins", "1", "champion", "--reason", "first")).Exit);
        Assert.Equal(0, (await h.RunAsync("models", "alias", "penguins", "2", "champion")).Exit);
        var show = (await h.RunAsync("models", "show", "penguins", "--json")).Json();
        Assert.Equal(2, show.GetProperty("model").GetProperty("aliases").GetProperty("champion").GetInt32());
        var history = show.GetProperty("alias_history").EnumerateArray().ToArray();
        Assert.Equal(2, history.Length);
        Assert.Equal(1, history[1].GetProperty("from_version").GetInt32());
        Assert.Equal(2, history[1].GetProperty("to_version").GetInt32());
        var v2 = show.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == 2);
        Assert.Equal(b, v2.GetProperty("source_run_id").GetString());
        Assert.Contains("Species", v2.GetProperty("schema_json").GetString());

        var missing = await h.RunAsync("models", "alias", "penguins", "9", "champion");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("9", missing.Error);
        var human = await h.RunAsync("models", "show", "penguins");
        Assert.Contains("champion", human.Console);
    }

    [Fact]
    public async Task Predict_AtLatest_TheLatestVersionUnlessAnAliasHasThatName()
    {
        var (h, _, _) = await TwoRunsAsync();
        using var harness = h;
        async Task<int> PredictedWith(string model)
        {
            var r = await h.RunAsync("predict", "--model", model, "--input", "penguins.csv", "--output", "out.csv", "--json");
            Assert.True(r.Exit == 0, r.Error);
            return r.Json().GetProperty("version").GetInt32();
        }

        Assert.Equal(2, await PredictedWith("penguins@latest"));
        Assert.Equal(0, (await h.RunAsync("models", "alias", "penguins", "1", "latest")).Exit);
        Assert.Equal(1, await PredictedWith("penguins@latest"));
        Assert.Equal(2, await PredictedWith("penguins"));
        var missing = await h.RunAsync("predict", "--model", "penguins@prod", "--input", "penguins.csv", "--output", "out.csv");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("has no alias 'prod'; its aliases: latest; 'penguins' alone names its latest version, 2.", missing.Error);
    }

    [Fact]
    public async Task Run_AfterAProcessDiedMidRun_MarksThatRunKilled()
    {
        using var h = new CliHarness();
        h.CopySample("penguins.csv");
        h.Write("keel.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [zero_rule]\n");
        string orphan;
        await using (var store = await KeelStore.OpenAsync(new StoreOptions { Uri = h.StoreFolder }))
        {
            var e = await store.Tracking.GetOrCreateExperimentAsync("penguins");
            // Started two minutes ago and never sent a heartbeat: its 60 s lease has expired.
            orphan = (await store.Tracking.CreateRunAsync(e.Id, "crashed", DateTimeOffset.UtcNow.AddMinutes(-2), new Dictionary<string, string>())).Id;
        }

        Assert.Equal(0, (await h.RunAsync("run", "keel.yaml", "--json")).Exit);

        var show = (await h.RunAsync("runs", "show", orphan, "--json")).Json();
        Assert.Equal("killed", show.GetProperty("run").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Init_ThenRun_WritesARunnableSpecWithInferredSchema()
    {
        using var h = new CliHarness();
        h.CopySample("penguins.csv");

        var init = await h.RunAsync("init", "penguins.csv", "--label", "Species");

        Assert.True(init.Exit == 0, init.Error);
        var yaml = await File.ReadAllTextAsync(Path.Combine(h.Folder, "keel.yaml"));
        Assert.Contains("task: multiclass", yaml);
        Assert.Contains("Beak Length (mm): numeric", yaml);
        Assert.Contains("Island: categorical", yaml);
        Assert.Contains("strategy: stratified", yaml);
        Assert.Equal(1, (await h.RunAsync("init", "penguins.csv", "--label", "Species")).Exit);
        var run = await h.RunAsync("run", "keel.yaml", "--json");
        Assert.True(run.Exit == 0, run.Error);
    }

    [Fact]
    public async Task Init_ColumnNamesWithQuotesColonsNewlinesAndControlCharacters_SpecReadsBackAndRuns()
    {
        using var h = new CliHarness();
        string[] odd = ["say \"hi\"", "key: value", "line\nbreak", "bell\u0007x", "# hash", "'single'", "true", "- dash"];
        var header = string.Join(",", odd.Select(n => "\"" + n.Replace("\"", "\"\"") + "\"")) + ",y";
        var rows = Enumerable.Range(0, 40).Select(i => string.Join(",", odd.Select((_, j) => (i * (j + 1) % 7).ToString())) + "," + (i % 7 < 3 ? "a" : "b"));
        h.Write("odd.csv", header + "\n" + string.Join("\n", rows) + "\n");

        var init = await h.RunAsync("init", "odd.csv", "--label", "y");

        Assert.True(init.Exit == 0, init.Error);
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        yaml.Load(new StringReader(await File.ReadAllTextAsync(Path.Combine(h.Folder, "keel.yaml"))));
        var root = (YamlDotNet.RepresentationModel.YamlMappingNode)yaml.Documents[0].RootNode;
        var types = (YamlDotNet.RepresentationModel.YamlMappingNode)((YamlDotNet.RepresentationModel.YamlMappingNode)root["data"])["types"];
        Assert.Equal([.. odd, "y"], types.Children.Keys.Select(k => ((YamlDotNet.RepresentationModel.YamlScalarNode)k).Value!));
        var run = await h.RunAsync("run", "keel.yaml", "--json");
        Assert.True(run.Exit == 0, run.Error);
    }

    [Fact]
    public async Task Init_MoreRowsThanForestLimit_ProposesFastForestAsRunsDefaultsDo()
    {
        using var h = new CliHarness();
        h.CopySample("penguins.csv");
        var rows = Enumerable.Range(0, (int)TrainerCatalog.ForestRowLimit + 1).Select(i => $"{i % 97},{(i % 5 == 0 ? "yes" : "no")}");
        await File.WriteAllLinesAsync(Path.Combine(h.Folder, "big.csv"), ["x,label", .. rows]);

        var small = await h.RunAsync("init", "penguins.csv", "--label", "Species", "--out", "small.yaml");
        var big = await h.RunAsync("init", "big.csv", "--label", "label", "--out", "big.yaml");

        Assert.True(small.Exit == 0 && big.Exit == 0, small.Error + big.Error);
        var smallYaml = await File.ReadAllTextAsync(Path.Combine(h.Folder, "small.yaml"));
        var bigYaml = await File.ReadAllTextAsync(Path.Combine(h.Folder, "big.yaml"));
        Assert.Contains("type: random_forest", smallYaml);
        Assert.DoesNotContain("type: fastforest", smallYaml);
        Assert.Contains("type: fastforest", bigYaml);
        Assert.DoesNotContain("type: random_forest", bigYaml);
    }

    [Fact]
    public async Task Init_DataWithTimeColumn_ProposesTimeSplit()
    {
        using var h = new CliHarness();
        h.CopySample("seattle-weather.csv");

        var init = await h.RunAsync("init", "seattle-weather.csv", "--label", "weather");

        Assert.True(init.Exit == 0, init.Error);
        var yaml = await File.ReadAllTextAsync(Path.Combine(h.Folder, "keel.yaml"));
        Assert.Contains("time_column: \"date\"", yaml);
        Assert.Contains("strategy: time", yaml);
        // Four years of dates without a time of day: month recurs in the training part, hour would be a constant.
        Assert.Contains("time_features: [\"month\", \"dayofweek\"] # cyclic date parts as features; also day, dayofyear, hour, minuteofday", yaml);
    }

    [Fact]
    public async Task Init_RowNumberColumn_PutInIgnoreAndValidateWarnsOfIt()
    {
        using var h = new CliHarness();
        var rows = Enumerable.Range(0, 300).Select(i => $"{i + 1},{i % 13},{(i % 3 == 0 ? "yes" : "no")}");
        await File.WriteAllLinesAsync(Path.Combine(h.Folder, "rows.csv"), ["row_id,x,label", .. rows]);

        var init = await h.RunAsync("init", "rows.csv", "--label", "label");
        var validate = await h.RunAsync("validate", "rows.csv", "--label", "label", "--json");

        Assert.True(init.Exit == 0, init.Error);
        Assert.Contains("ignore: [\"row_id\"] # every value distinct: looks like an id", await File.ReadAllTextAsync(Path.Combine(h.Folder, "keel.yaml")));
        var finding = validate.Json().GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("check").GetString() == "row_number_column");
        Assert.Equal("row_id", finding.GetProperty("columns")[0].GetString());
    }

    [Fact]
    public async Task Init_TimestampsWithTimesOfDayOverAFewMonths_ProposesDayOfWeekAndHour()
    {
        using var h = new CliHarness();
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var rows = Enumerable.Range(0, 400).Select(i => $"{start.AddHours(7 * i):yyyy-MM-ddTHH:mm:ssZ},{i % 7},{(i % 3 == 0 ? "yes" : "no")}");
        await File.WriteAllLinesAsync(Path.Combine(h.Folder, "events.csv"), ["at,x,label", .. rows]);

        var init = await h.RunAsync("init", "events.csv", "--label", "label");
        var run = await h.RunAsync("run", "keel.yaml", "--json");

        Assert.True(init.Exit == 0, init.Error);
        var yaml = await File.ReadAllTextAsync(Path.Combine(h.Folder, "keel.yaml"));
        Assert.Contains("time_features: [\"dayofweek\", \"hour\"]", yaml);
        Assert.True(run.Exit == 0, run.Error);
    }

    [Fact]
    public async Task Init_NumericColumnWithStrayToken_FailsNamingInitOptionsThenTypeAndMissingOptionsWork()
    {
        using var h = new CliHarness();
        var rows = Enumerable.Range(0, 300).Select(i => $"{(i == 7 ? "abc" : (i % 13).ToString(System.Globalization.CultureInfo.InvariantCulture))},{(i % 3 == 0 ? "yes" : "no")}");
        await File.WriteAllLinesAsync(Path.Combine(h.Folder, "stray.csv"), ["Income,label", .. rows]);

        var failed = await h.RunAsync("init", "stray.csv", "--label", "label");
        var typed = await h.RunAsync("init", "stray.csv", "--label", "label", "--type", "Income=categorical", "--out", "typed.yaml");
        var missing = await h.RunAsync("init", "stray.csv", "--label", "label", "--missing", "abc", "--out", "missing.yaml");
        var badType = await h.RunAsync("init", "stray.csv", "--label", "label", "--type", "Income", "--out", "bad.yaml");

        Assert.Equal(1, failed.Exit);
        Assert.Contains("column 'Income'", failed.Error);
        Assert.Contains("--type COLUMN=categorical", failed.Error);
        Assert.True(typed.Exit == 0, typed.Error);
        Assert.Contains("Income: categorical", await File.ReadAllTextAsync(Path.Combine(h.Folder, "typed.yaml")));
        Assert.True(missing.Exit == 0, missing.Error);
        var spec = await File.ReadAllTextAsync(Path.Combine(h.Folder, "missing.yaml"));
        Assert.Contains("Income: numeric", spec);
        Assert.Contains("missing:", spec);
        Assert.Equal(1, badType.Exit);
        Assert.Contains("--type: expected COLUMN=TYPE", badType.Error);
    }

    [Fact]
    public async Task Quickstart_OnAFreshFolder_RegistersAChampion()
    {
        using var h = new CliHarness();

        var r = await h.RunAsync("quickstart", "--json");

        Assert.True(r.Exit == 0, r.Error);
        var j = r.Json();
        Assert.Equal("credit-risk", j.GetProperty("registered").GetProperty("name").GetString());
        Assert.Equal("champion", j.GetProperty("registered").GetProperty("alias").GetString());
        Assert.True(File.Exists(j.GetProperty("report_path").GetString()));
    }
}
