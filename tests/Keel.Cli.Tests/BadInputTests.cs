namespace Keel.Cli.Tests;

/// <summary>Each bad input gives a clear error naming the file, line or column, exits 1, and leaves the store as it was.</summary>
public sealed class BadInputTests
{
    private const string GoodCsv = "x,colour,y\n1,red,a\n2,blue,b\n3,red,a\n4,blue,b\n5,red,a\n6,blue,b\n7,red,a\n8,blue,b\n9,red,a\n10,blue,b\n11,red,a\n12,blue,b\n";

    public static TheoryData<string, string, string[]> Cases => new()
    {
        { "x,colour,y\n1,red,a\n2,blue\n", "data: {path: bad.csv, label: y}", ["bad.csv", "line 3", "expected 3 fields"] },
        { "x,colour,y\n1,red,a\nabc,blue,b\n", "data: {path: bad.csv, label: y, types: {x: numeric}}", ["bad.csv", "line 3", "'x'", "abc"] },
        { GoodCsv, "data: {path: bad.csv, label: churned}", ["bad.csv", "churned"] },
        { "", "data: {path: bad.csv, label: y}", ["bad.csv", "header"] },
        { "x,y\n1,a\n2,a\n3,a\n", "data: {path: bad.csv, label: y}", ["bad.csv", "'y'", "one class"] },
        { GoodCsv, "data: {path: missing.csv, label: y}", ["data.path", "missing.csv"] },
        { GoodCsv, "data: {path: bad.csv, label: y}\nmodels: [lightgbm, neural_magic]", ["models[1]", "neural_magic"] },
        { GoodCsv, "data: {path: bad.csv, label: y}\nmetric: rmse", ["metric", "rmse"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Run_BadInput_ClearErrorExit1AndStoreUnchanged(string csv, string spec, string[] expected)
    {
        using var h = new CliHarness();
        h.CopySample("penguins.csv");
        h.Write("good.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [zero_rule]\n");
        Assert.Equal(0, (await h.RunAsync("run", "good.yaml", "--json")).Exit);
        var before = h.StoreFingerprint();
        var runsBefore = (await h.RunAsync("runs", "list", "--json")).Out;
        h.Write("bad.csv", csv);
        h.Write("bad.yaml", spec);

        var r = await h.RunAsync("run", "bad.yaml");

        Assert.Equal(1, r.Exit);
        Assert.StartsWith("error: ", r.Error);
        foreach (var e in expected) Assert.Contains(e, r.Error);
        Assert.Equal(before, h.StoreFingerprint());
        Assert.Equal(runsBefore, (await h.RunAsync("runs", "list", "--json")).Out);
    }

    [Fact]
    public async Task Run_BadInputOnFreshFolder_CreatesNoStore()
    {
        using var h = new CliHarness();
        h.Write("bad.csv", "x,y\n1,a\n2\n");
        h.Write("bad.yaml", "data: {path: bad.csv, label: y}");

        var r = await h.RunAsync("run", "bad.yaml");

        Assert.Equal(1, r.Exit);
        Assert.False(Directory.Exists(h.StoreFolder));
    }

    [Fact]
    public async Task Run_UnknownCommandOption_ExitsWithUsageError()
    {
        using var h = new CliHarness();
        var r = await h.RunAsync("run", "keel.yaml", "--no-such-option");
        Assert.Equal(2, r.Exit);
        Assert.Contains("--no-such-option", r.Error);
    }
}
