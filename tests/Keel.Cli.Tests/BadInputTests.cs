namespace Keel.Cli.Tests;

/// <summary>Each bad input gives a clear error naming the file, line or column, exits 1, and leaves the store as it was.</summary>
public sealed class BadInputTests
{
    private const string GoodCsv = "x,colour,y\n1,red,a\n2,blue,b\n3,red,a\n4,blue,b\n5,red,a\n6,blue,b\n7,red,a\n8,blue,b\n9,red,a\n10,blue,b\n11,red,a\n12,blue,b\n";

    /// <summary>Twenty days: the first twelve alternate a and b, the newest eight are all a, so a time split's validation rows hold one class.</summary>
    private static readonly string TimeCsv = "t,x,y\n" + string.Concat(Enumerable.Range(0, 20).Select(i =>
        $"2024-01-{i + 1:00},{i},{(i < 12 && i % 2 == 1 ? "b" : "a")}\n"));

    public static TheoryData<string, string, string[]> Cases => new()
    {
        { "x,colour,y\n1,red,a\n2,blue\n", "data: {path: bad.csv, label: y}", ["bad.csv", "line 3", "expected 3 fields"] },
        { "x,colour,y\n1,red,a\nabc,blue,b\n", "data: {path: bad.csv, label: y, types: {x: numeric}}", ["bad.csv", "line 3", "'x'", "abc"] },
        { GoodCsv, "data: {path: bad.csv, label: churned}", ["bad.csv", "churned"] },
        { GoodCsv, "data: {path: bad.csv, label: Colour}", ["bad.csv", "'Colour'", "did you mean 'colour'?"] },
        { GoodCsv, "data: {path: bad.csv, label: y, ignore: [color]}", ["data.ignore", "'color'", "did you mean 'colour'?"] },
        { "", "data: {path: bad.csv, label: y}", ["bad.csv", "header"] },
        { "x,y\n1,a\n2,a\n3,a\n", "data: {path: bad.csv, label: y}", ["bad.csv", "'y'", "one class"] },
        { GoodCsv, "data: {path: missing.csv, label: y}", ["data.path", "missing.csv"] },
        { GoodCsv, "data: {path: bad.csv, label: y}\nmodels: [lightgbm, neural_magic]", ["models[1]", "neural_magic"] },
        { GoodCsv, "data: {path: bad.csv, label: y}\nmetric: rmse", ["metric", "rmse"] },
        { GoodCsv, "data: {path: bad.csv, label: y}\nregister: {name: ../../evil}", ["bad.yaml", "register.name", "../../evil"] },
        { GoodCsv, "data: {path: bad.csv, label: y}\nmodels: [zero_rule, {type: linear, name: ../../evil}]", ["models[1].name", "../../evil"] },
        { GoodCsv, "data: {path: bad.csv, label: y}\nmodels: [zero_rule, {type: linear, name: \"two\\nlines\"}]", ["models[1].name", "two\\u000alines"] },
        { GoodCsv, $"data: {{path: bad.csv, label: y}}\nmodels: [zero_rule, {{type: linear, name: {new string('m', 201)}}}]", ["models[1].name", "201 characters"] },
        { GoodCsv, "data: {path: bad.csv, label: y}\nmodels: [zero_rule, {type: linear, name: final}]", ["models[1].name", "reserved"] },
        { GoodCsv, "experiment: \"line\\nbreak\"\ndata: {path: bad.csv, label: y}", ["'experiment'", "line\\u000abreak"] },
        { GoodCsv, "data: {path: bad.csv, label: y}\nregister: {alias: Champion}", ["register.alias", "Champion"] },
        { GoodCsv, "data: {path: bad.csv, label: x, task: regression}\nmodels: [zero_rule]\nregister: {gates: [\"auc >= 0.8\"]}", ["register.gates[0]", "auc", "regression"] },
        { TimeCsv, "data: {path: bad.csv, label: y, time_column: t}\nsplit: {strategy: time}\nmodels: [zero_rule, linear]", ["bad.yaml", "'metric'", "auc", "validation", "'b'"] },
        { TimeCsv, "data: {path: bad.csv, label: y, time_column: t, time_features: [year]}", ["data.time_features[0]", "year"] },
        { GoodCsv, "data: {path: bad.csv, label: y, time_column: x, time_features: [month]}", ["data.time_features", "'x'", "datetime"] },
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
        Assert.DoesNotContain("(Parameter", r.Error);
        Assert.Equal(before, h.StoreFingerprint());
        Assert.Equal(runsBefore, (await h.RunAsync("runs", "list", "--json")).Out);
    }

    [Fact]
    public async Task Run_DataFileNameWithSpace_RegistersSlugName()
    {
        using var h = new CliHarness();
        File.Copy(CliHarness.Sample("penguins.csv"), Path.Combine(h.Folder, "my penguins.csv"));
        h.Write("keel.yaml", "data: {path: my penguins.csv, label: Species}\nmodels: [zero_rule]\n");

        var r = await h.RunAsync("run", "keel.yaml", "--json");

        Assert.True(r.Exit == 0, r.Error);
        Assert.Equal("my-penguins", r.Json().GetProperty("registered").GetProperty("name").GetString());
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

    [Theory]
    [InlineData("run", "keel.yaml")]
    [InlineData("evaluate", "penguins@champion")]
    [InlineData("retrain", "keel.yaml", "--model", "penguins@champion")]
    [InlineData("search", "keel.yaml")]
    [InlineData("monitor", "--reference", "penguins.csv", "--data", "penguins.csv")]
    public async Task ReportPathAFolder_Exit1BeforeAnyWork(params string[] command)
    {
        // Checked first: a run that trained for an hour used to fail at its report, marked failed with nothing registered.
        using var h = new CliHarness();
        h.CopySample("penguins.csv");
        h.Write("keel.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [linear]\n");
        Directory.CreateDirectory(Path.Combine(h.Folder, "out"));

        var r = await h.RunAsync([.. command, "--report", "out"]);

        Assert.Equal(1, r.Exit);
        Assert.Contains($"--report 'out': a folder; expected the report's file path, e.g. {Path.Combine("out", "report.html")}", r.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(h.StoreFolder));
    }

    [Fact]
    public async Task ReportPathUnderAFile_Exit1NamingTheFile()
    {
        using var h = new CliHarness();
        h.CopySample("penguins.csv");
        h.Write("keel.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [linear]\n");

        var r = await h.RunAsync("run", "keel.yaml", "--report", "penguins.csv/report.html");

        Assert.Equal(1, r.Exit);
        Assert.Contains("is a file, so the report's folder cannot be made there", r.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(h.StoreFolder));
    }
}
