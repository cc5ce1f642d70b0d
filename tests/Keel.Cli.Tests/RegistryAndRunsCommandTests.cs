using Keel.Core.Tracking;
using Keel.Tracking;

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
        var paths = show.GetProperty("artifacts").EnumerateArray().Select(x => x.GetProperty("path").GetString()).ToArray();
        foreach (var p in new[] { "spec/keel.yaml", "data/schema.json", "split/test.txt", "models/linear.keelmodel", "models/final.keelmodel", "predictions/linear.test.csv", "report.html" })
            Assert.Contains(p, paths);

        var compare = (await h.RunAsync("runs", "compare", a, b, "--json")).Json();
        Assert.Contains("seed", compare.GetProperty("differing_params").EnumerateArray().Select(x => x.GetString()));

        var human = await h.RunAsync("runs", "compare", a, b);
        Assert.Equal(0, human.Exit);
        Assert.Contains("seed", human.Console);

        var filtered = (await h.RunAsync("runs", "list", "--json", "--filter", "params.seed = '2'")).Json();
        Assert.Equal(b, filtered.GetProperty("runs").EnumerateArray().Single().GetProperty("id").GetString());
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
        Assert.Contains("\"Beak Length (mm)\": numeric", yaml);
        Assert.Contains("\"Island\": categorical", yaml);
        Assert.Contains("strategy: stratified", yaml);
        Assert.Equal(1, (await h.RunAsync("init", "penguins.csv", "--label", "Species")).Exit);
        var run = await h.RunAsync("run", "keel.yaml", "--json");
        Assert.True(run.Exit == 0, run.Error);
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
