namespace Keel.Cli.Tests;

/// <summary>A run compares its model with the registry's champion of the same name on the same test rows, and `beats: champion` gates act on it.</summary>
public sealed class ChampionComparisonTests
{
    private const string Spec = """
        data: {path: credit_data.csv, label: Status}
        models: [linear]
        evaluation: {bootstrap: 50}
        register: {name: credit, alias: champion, gates: ["beats: champion significantly"]}
        seed: 42
        """;

    [Fact]
    public async Task Run_SameModelAsTheChampion_ComparedTiedAndSignificanceGateFails()
    {
        using var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", Spec);

        var first = await h.RunAsync("run", "keel.yaml", "--json");
        var second = await h.RunAsync("run", "keel.yaml", "--json");

        // No champion yet: nothing to beat, so the first run registers and becomes the champion.
        Assert.True(first.Exit == 0, first.Error);
        Assert.Contains("no champion", first.Json().GetProperty("gates")[0].GetProperty("detail").GetString());
        Assert.Empty(first.Json().GetProperty("evaluations").GetProperty("linear").GetProperty("comparisons").EnumerateArray());
        // The same spec and seed give the same model: tied with the champion on the same rows, so it is not registered.
        Assert.Equal(3, second.Exit);
        var comparisons = second.Json().GetProperty("evaluations").GetProperty("linear").GetProperty("comparisons").EnumerateArray().ToArray();
        var auc = comparisons.Single(c => c.GetProperty("against").GetString() == "champion" && c.GetProperty("metric").GetString() == "auc");
        Assert.Equal("tied", auc.GetProperty("verdict").GetString());
        Assert.Contains("tied", second.Json().GetProperty("gates")[0].GetProperty("detail").GetString());
        // Capability vs alignment: the challenger against the champion, the same model, so neither changes (the other pair of each
        // run is the candidate on test against itself on its training rows).
        Assert.Equal(["linear on train"], first.Json().GetProperty("evaluations").GetProperty("linear").GetProperty("quadrants").EnumerateArray().Select(x => x.GetProperty("reference").GetString()));
        var quadrants = second.Json().GetProperty("evaluations").GetProperty("linear").GetProperty("quadrants").EnumerateArray().ToArray();
        Assert.Equal(["champion", "linear on train"], quadrants.Select(x => x.GetProperty("reference").GetString()));
        var q = quadrants[0];
        Assert.Equal("no change", q.GetProperty("quadrant").GetString());
    }
}
