using System.Globalization;
using Keel.Core;
using Keel.Core.Search;
using Keel.Core.Tracking;
using Keel.Tracking;

namespace Keel.Cli.Tests;

/// <summary>`keel search` as real processes: killed with SIGKILL and resumed; a second process joining the study.</summary>
public sealed class SearchCommandTests
{
    private const string Spec = "data: {path: credit_data.csv, label: Status}\n" +
        "models:\n  - {type: lightgbm, options: {number_of_iterations: 60}}\n" +
        "search:\n  trials: 6\n  families: [lightgbm]\n  pruner: none\n  stale_after: 2s\n";

    private static async Task<IReadOnlyList<TrialRecord>> TrialsAsync(string storeFolder)
    {
        try
        {
            await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = storeFolder, ReadOnly = true });
            return await store.Studies.ListTrialsAsync("credit_data-search");
        }
        catch (KeelInputException)
        {
            return []; // no store or no study yet
        }
    }

    /// <summary>Polls the store until <paramref name="ready"/> holds (or three minutes pass).</summary>
    private static async Task WaitForAsync(string storeFolder, Func<IReadOnlyList<TrialRecord>, bool> ready)
    {
        for (var i = 0; i < 1800 && !ready(await TrialsAsync(storeFolder)); i++) await Task.Delay(100);
    }

    private static async Task AssertEveryTrialOnceAsync(string storeFolder)
    {
        var trials = await TrialsAsync(storeFolder);
        Assert.Equal(Enumerable.Range(0, 6), trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = storeFolder, ReadOnly = true });
        var finished = (await store.Tracking.SearchRunsAsync(new RunQuery { Filter = "tags.keel.study = 'credit_data-search' and status = 'finished'", MaxResults = 100 })).Runs
            .Where(r => r.Tags.ContainsKey("keel.trial")).Select(r => int.Parse(r.Tags["keel.trial"], CultureInfo.InvariantCulture)).Order();
        Assert.Equal(Enumerable.Range(0, 6), finished);
    }

    [Fact]
    public async Task Search_ProcessKilledWithSigkillMidTrial_RerunCompletesThePlanWithoutDuplicates()
    {
        using var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", Spec);
        using (var first = KeelProcess.Start(h.Folder, "dotnet", KeelProcess.Dll, "search", "keel.yaml"))
        {
            await WaitForAsync(h.StoreFolder, ts => ts.Count(t => t.State == TrialState.Complete) >= 2 && ts.Any(t => t.State == TrialState.Running) || first.HasExited);
            Assert.False(first.HasExited, "the search ended before it could be killed");
            first.Kill(entireProcessTree: true); // SIGKILL: no cleanup, the running trial is left "running"
            await first.WaitForExitAsync();
        }
        var killedMidTrial = (await TrialsAsync(h.StoreFolder)).Single(t => t.State == TrialState.Running).Number;

        var (exit, stdout, stderr) = await KeelProcess.RunAsync(h.Folder, "dotnet", KeelProcess.Dll, "search", "keel.yaml", "--json");

        Assert.True(exit == 0, stderr + stdout);
        await AssertEveryTrialOnceAsync(h.StoreFolder);
        var retried = (await TrialsAsync(h.StoreFolder)).Single(t => t.Number == killedMidTrial);
        Assert.Equal(2, retried.Attempt);
        Assert.Contains("\"registered\"", stdout);
    }

    [Fact]
    public async Task Search_SecondProcessJoins_EveryPlannedTrialRunOnceAcrossBoth()
    {
        using var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", Spec);
        using var coordinator = KeelProcess.Start(h.Folder, "dotnet", KeelProcess.Dll, "search", "keel.yaml", "--json");
        var coordinatorOut = coordinator.StandardOutput.ReadToEndAsync();
        await WaitForAsync(h.StoreFolder, ts => ts.Count > 0 || coordinator.HasExited);

        var join = await KeelProcess.RunAsync(h.Folder, "dotnet", KeelProcess.Dll, "search", "--join", "credit_data-search", "--json");
        await coordinator.WaitForExitAsync();

        Assert.True(join.Exit == 0, join.Error);
        Assert.Equal(0, coordinator.ExitCode);
        Assert.Contains("\"ran\"", join.Out);
        await AssertEveryTrialOnceAsync(h.StoreFolder);
        Assert.Contains("\"registered\"", await coordinatorOut);
    }

    [Theory]
    [InlineData("--workers", "0", "--workers 0: expected at least 1")]
    [InlineData("--trials", "-1", "--trials -1: expected at least 1")]
    public async Task Search_BadCount_Exit1NamingTheOption(string option, string value, string expected)
    {
        using var h = new CliHarness();
        h.CopySample("penguins.csv");
        h.Write("keel.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [linear]\n");

        var r = await h.RunAsync("search", "keel.yaml", option, value);

        Assert.Equal(1, r.Exit);
        Assert.Contains(expected, r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_NeitherSpecNorJoin_UsageErrorExitOne()
    {
        using var h = new CliHarness();
        var r = await h.RunAsync("search");
        Assert.Equal(1, r.Exit);
        Assert.Contains("--join", r.Error);
    }
}
