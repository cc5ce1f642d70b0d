namespace Keel.Cli.Tests;

/// <summary>`keel run --sanity`: each candidate must overfit 100 training rows; nothing is tracked.</summary>
public sealed class SanityCommandTests
{
    [Fact]
    public async Task RunSanity_FlexibleModel_PassesAndTracksNothing()
    {
        using var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", "data: {path: credit_data.csv, label: Status}\nmodels: [zero_rule, {type: lightgbm, options: {number_of_iterations: 200, minimum_example_count_per_leaf: 1}}]\nseed: 42\n");

        var r = await h.RunAsync("run", "keel.yaml", "--sanity", "--json");

        Assert.True(r.Exit == 0, r.Error + r.Out);
        var result = Assert.Single(r.Json().EnumerateArray());
        Assert.Equal("lightgbm", result.GetProperty("candidate").GetString());
        Assert.Equal(100, result.GetProperty("rows").GetInt32());
        Assert.True(result.GetProperty("training_error").GetDouble() <= 0.05);
        Assert.Equal("(no store)", h.StoreFingerprint());
    }

    [Fact]
    public async Task RunSanity_LabelTheFeaturesCannotCarry_ExitThreeWithAClearMessage()
    {
        using var h = new CliHarness();
        // The label is noise independent of the only feature, which is constant: nothing can fit it.
        var rows = string.Join("\n", Enumerable.Range(0, 300).Select(i => $"1,{(i * 7919 % 13 < 6 ? "a" : "b")}"));
        h.Write("noise.csv", "x,y\n" + rows + "\n");
        h.Write("keel.yaml", "data: {path: noise.csv, label: y}\nmodels: [{type: lightgbm, options: {number_of_iterations: 50}}]\nseed: 1\n");

        var r = await h.RunAsync("run", "keel.yaml", "--sanity");

        Assert.Equal(3, r.Exit);
        Assert.Contains("lightgbm cannot overfit 100 training rows", r.Console);
        Assert.Contains("check that the label is what you mean", r.Console);
    }
}
