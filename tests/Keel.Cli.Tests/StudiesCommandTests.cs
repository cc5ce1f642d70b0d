using System.Text.Json;
using Keel.Tracking;

namespace Keel.Cli.Tests;

/// <summary>`keel studies list | show` over a real search in a real store.</summary>
public sealed class StudiesCommandTests
{
    // credit_data has categorical columns, so lightgbm's space holds a categorical choice (categorical_split) beside integers.
    private const string Spec = "data: {path: credit_data.csv, label: Status}\n" +
        "models:\n  - {type: lightgbm, options: {number_of_iterations: 30}}\n" +
        "search:\n  trials: 3\n  families: [lightgbm]\n  pruner: none\n  sampler: random\n";

    private static async Task<CliHarness.Result> SearchedAsync(CliHarness h)
    {
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", Spec);
        var search = await h.RunAsync("search", "keel.yaml", "--json");
        Assert.Equal(0, search.Exit);
        return search;
    }

    [Fact]
    public async Task Studies_AfterASearch_ListCountsTheTrialsAndShowGivesTheOptionsEachTrialRanWith()
    {
        using var h = new CliHarness();
        await SearchedAsync(h);

        var list = await h.RunAsync("studies", "list", "--json");
        var show = await h.RunAsync("studies", "show", "credit_data-search", "--json");

        var study = Assert.Single(list.Json().GetProperty("studies").EnumerateArray().ToArray());
        Assert.Equal(("credit_data-search", 3, 3), (study.GetProperty("name").GetString(), study.GetProperty("planned_trials").GetInt32(),
            study.GetProperty("counts").GetProperty("complete").GetInt32()));
        Assert.False(study.TryGetProperty("trials", out _)); // `studies show` has them
        var trials = show.Json().GetProperty("study").GetProperty("trials").EnumerateArray().ToArray();
        Assert.Equal([0, 1, 2], trials.Select(t => t.GetProperty("number").GetInt32()));
        var best = trials.MaxBy(t => t.GetProperty("value").GetDouble());
        Assert.Equal(best.GetProperty("number").GetInt32(), show.Json().GetProperty("study").GetProperty("best").GetProperty("number").GetInt32());
        // Each trial's options are the ones its tracked run recorded: a categorical choice by name, integers as integers.
        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = h.StoreFolder, ReadOnly = true });
        foreach (var t in trials)
        {
            var run = (await store.Tracking.GetRunAsync(t.GetProperty("run_id").GetString()!))!;
            var options = t.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
            Assert.Contains(options["categorical_split"], new[] { "true", "false" });
            Assert.All(options, o => Assert.Equal(run.Params[$"lightgbm.{o.Key}"], o.Value));
        }
    }

    [Fact]
    public async Task Studies_Show_TableNamesTheSpecScoringAndEveryTrial()
    {
        using var h = new CliHarness();
        await SearchedAsync(h);

        var show = await h.RunAsync("studies", "show", "credit_data-search");
        var failed = await h.RunAsync("studies", "show", "credit_data-search", "--state", "failed");

        Assert.Equal(0, show.Exit);
        Assert.Contains("credit_data-search: lightgbm; 3 complete of 3 planned, 0 pruned, 0 failed, 0 running", show.Console);
        Assert.Contains("trials scored by validation auc", show.Console);
        Assert.Contains("categorical_split=", show.Console);
        Assert.Contains("No trials.", failed.Console);
    }

    [Fact]
    public async Task Studies_ShowMultiObjectiveStudy_EachTrialsValuePerObjectiveAsItsRunRecordedThem()
    {
        using var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", Spec.Replace("  pruner: none\n", "  objectives: [auc, size]\n"));
        Assert.Equal(0, (await h.RunAsync("search", "keel.yaml", "--json")).Exit);

        var json = await h.RunAsync("studies", "show", "credit_data-search", "--json");
        var table = await h.RunAsync("studies", "show", "credit_data-search");

        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = h.StoreFolder, ReadOnly = true });
        var trials = json.Json().GetProperty("study").GetProperty("trials").EnumerateArray().ToArray();
        Assert.Equal(3, trials.Length);
        foreach (var t in trials)
        {
            var m = (await store.Tracking.GetRunAsync(t.GetProperty("run_id").GetString()!))!.Metrics;
            Assert.Equal([m["val.auc"], m["model_bytes"]], t.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        }
        Assert.Contains("auc · size bytes", table.Console);
        Assert.Contains($"· {trials[0].GetProperty("values")[1].GetDouble():0}", table.Console); // bytes, whole
    }

    [Fact]
    public async Task Studies_ShowNsga2Study_EachTrialsGeneration()
    {
        // nsga2 with a population of 2: trials 0 and 1 are the random first generation, 2 and 3 the next.
        using var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", Spec.Replace("trials: 3", "trials: 4").Replace("sampler: random", "sampler: nsga2\n  population: 2\n  objectives: [auc, size]"));
        var search = await h.RunAsync("search", "keel.yaml");
        Assert.Equal(0, search.Exit);
        Assert.Contains("nsga2 (population 2)", search.Console);

        var json = await h.RunAsync("studies", "show", "credit_data-search", "--json");
        var table = await h.RunAsync("studies", "show", "credit_data-search");

        Assert.Equal([0, 0, 1, 1], json.Json().GetProperty("study").GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("generation").GetInt32()));
        Assert.Contains("3 (gen 1)", table.Console);
        Assert.Contains("sampler nsga2 (population 2), pruner none", table.Console);
        Assert.Equal("nsga2 (population 2)", json.Json().GetProperty("study").GetProperty("sampler").GetString());
    }

    [Fact]
    public async Task Studies_RunningTrialSilentPastStaleAfter_ShownAsStale()
    {
        using var h = new CliHarness();
        var start = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
        await using (var store = await KeelStore.OpenAsync(new StoreOptions { Uri = h.StoreFolder }))
        {
            const string definition = """{"SpecPath":"keel.yaml","Families":["linear"],"Spaces":{"linear":"l2_regularization log[0.0001, 100]"},"Metric":"auc","StaleAfterSeconds":30}""";
            await store.Studies.CreateStudyAsync(new Keel.Core.Search.StudyRecord("s", ["linear"], 2, definition, start));
            await store.Studies.ClaimTrialAsync("s", "worker-1", start, TimeSpan.FromSeconds(30));
        }
        async Task<JsonElement> TrialAt(int seconds)
        {
            h.Time = new MonitorDeploymentTests.SetClock(start.AddSeconds(seconds));
            return (await h.RunAsync("studies", "show", "s", "--json")).Json().GetProperty("study").GetProperty("trials")[0];
        }

        var fresh = await TrialAt(20);
        var silent = await TrialAt(31);

        Assert.Equal(("running", false), (fresh.GetProperty("state").GetString(), fresh.GetProperty("stale").GetBoolean()));
        Assert.Equal(("running", true), (silent.GetProperty("state").GetString(), silent.GetProperty("stale").GetBoolean()));
        Assert.Contains("running (stale: the next claim retries it)", (await h.RunAsync("studies", "show", "s")).Console);
    }

    [Fact]
    public async Task Studies_DeleteWithYes_StudyGoneRunsKeptAndTheNameStartsAfresh()
    {
        using var h = new CliHarness();
        await SearchedAsync(h);

        var refused = await h.RunAsync("studies", "delete", "credit_data-search");
        var deleted = await h.RunAsync("studies", "delete", "credit_data-search", "--yes", "--json");

        Assert.Equal(KeelApp.ExitInput, refused.Exit);
        Assert.Contains("pass --yes to delete study 'credit_data-search' and its trials; nothing was deleted", refused.Error);
        Assert.Equal((0, 3), (deleted.Exit, deleted.Json().GetProperty("trials_deleted").GetInt32()));
        Assert.Empty((await h.RunAsync("studies", "list", "--json")).Json().GetProperty("studies").EnumerateArray());
        var runs = await h.RunAsync("runs", "list", "--filter", "tags.keel.study = 'credit_data-search'", "--json");
        Assert.Equal(4, runs.Json().GetProperty("runs").GetArrayLength()); // the search run and its three trials
        // A changed search section under the same name, refused before, now starts a new study.
        h.Write("keel.yaml", Spec.Replace("trials: 3", "trials: 2"));
        Assert.Equal(0, (await h.RunAsync("search", "keel.yaml", "--json")).Exit);
        Assert.Equal(2, (await h.RunAsync("studies", "list", "--json")).Json().GetProperty("studies")[0].GetProperty("counts").GetProperty("complete").GetInt32());
    }

    [Fact]
    public async Task Studies_ShowUnknownStudy_InputErrorNamingIt()
    {
        using var h = new CliHarness();
        await SearchedAsync(h);

        var show = await h.RunAsync("studies", "show", "nope");

        Assert.Equal(KeelApp.ExitInput, show.Exit);
        Assert.Contains("study 'nope' does not exist; `keel studies list` shows the studies", show.Error);
    }
}
