using System.Globalization;
using System.Text.Json;

namespace Keel.Cli.Tests;

/// <summary>`keel analyze RUN --tags FILE` and evaluation.tags: error analysis by slice values, boolean columns and rules.</summary>
public sealed class AnalyzeCommandTests
{
    private const string Spec = """
        data: {path: credit_data.csv, label: Status}
        models: [zero_rule, linear]
        evaluation:
          bootstrap: 50
          tags:
            - slice: Home
            - rule: "Income < 100 and Home == 'rent' -> low_income_renter"
              reference: 0.1
              importance: 3
        seed: 42
        """;

    private const string Tags = """
        tags:
          - slice: Home
          - "Income < 100 and Home == 'rent' -> low_income_renter"
          - rule: "Records == 'yes' -> has_records"
            reference: 0.05
            ease: 2
        """;

    [Fact]
    public async Task Analyze_TagsFile_SharesAddUpToTheRunsErrors()
    {
        using var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", Spec);
        h.Write("tags.yaml", Tags);
        var run = await h.RunAsync("run", "keel.yaml", "--json");
        Assert.True(run.Exit == 0, run.Error);
        var runId = run.Json().GetProperty("run_id").GetString()!;

        var r = await h.RunAsync("analyze", runId, "--tags", "tags.yaml", "--json");

        Assert.True(r.Exit == 0, r.Error);
        var tags = r.Json().GetProperty("tags").EnumerateArray().ToArray();
        var rows = r.Json().GetProperty("rows").GetInt32();
        var homes = tags.Where(t => t.GetProperty("tag").GetString()!.StartsWith("Home = ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(1, homes.Sum(t => t.GetProperty("share_of_data").GetDouble()), 9);
        Assert.Equal(1, homes.Sum(t => t.GetProperty("share_of_errors").GetDouble()), 9);
        // Errors over every Home value = the run's test error.
        var errors = homes.Sum(t => t.GetProperty("error_rate").GetDouble() * t.GetProperty("rows").GetInt32());
        var accuracy = run.Json().GetProperty("final").GetProperty("test_metrics").GetProperty("accuracy").GetDouble();
        Assert.Equal((1 - accuracy) * rows, errors, 6);
        var records = tags.Single(t => t.GetProperty("tag").GetString() == "has_records");
        Assert.Equal("given", records.GetProperty("reference_source").GetString());
        Assert.Equal(2, records.GetProperty("ease").GetDouble());
        Assert.Contains(tags, t => t.GetProperty("tag").GetString() == "low_income_renter");
        var priorities = tags.Select(t => t.GetProperty("priority").GetDouble()).ToArray();
        Assert.Equal(priorities.OrderDescending(), priorities);
        // The run's report has the table of evaluation.tags.
        var html = await File.ReadAllTextAsync(run.Json().GetProperty("report_path").GetString()!);
        Assert.Contains("Error analysis by tags", html);
        Assert.Contains(">low_income_renter<", html);
    }

    [Fact]
    public async Task Run_TagNamingMissingColumn_ExitOneNamingFieldBeforeTraining()
    {
        using var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", "data: {path: credit_data.csv, label: Status}\nevaluation: {tags: [{slice: Hme}]}\n");

        var r = await h.RunAsync("run", "keel.yaml");

        Assert.Equal(1, r.Exit);
        Assert.Contains("keel.yaml field 'evaluation.tags[0]': credit_data.csv has no column 'Hme'", r.Error);
        Assert.Equal("(no store)", h.StoreFingerprint());
    }

    [Fact]
    public async Task Analyze_WithoutTagsFile_SpecTagsElseASlicePerInputColumn()
    {
        using var h = new CliHarness();
        h.CopySample("penguins.csv");
        h.Write("plain.yaml", "experiment: plain\ndata: {path: penguins.csv, label: Species}\nmodels: [zero_rule, linear]\nregister: {name: plain}\n");
        h.Write("tagged.yaml", "experiment: tagged\ndata: {path: penguins.csv, label: Species}\nmodels: [zero_rule, linear]\nevaluation: {tags: [{slice: Sex}]}\nregister: {name: tagged}\n");
        Assert.Equal(0, (await h.RunAsync("run", "plain.yaml")).Exit);
        Assert.Equal(0, (await h.RunAsync("run", "tagged.yaml")).Exit);

        var plain = await h.RunAsync("analyze", "plain", "--json");
        var tagged = await h.RunAsync("analyze", "tagged", "--json");

        Assert.True(plain.Exit == 0, plain.Error);
        var tags = plain.Json().GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("tag").GetString()!).ToArray();
        Assert.Contains("Island = Dream", tags);
        Assert.Contains(tags, t => t.StartsWith("Flipper Length (mm) = ", StringComparison.Ordinal));
        Assert.DoesNotContain(tags, t => t.StartsWith("Species", StringComparison.Ordinal));
        Assert.True(tagged.Exit == 0, tagged.Error);
        Assert.All(tagged.Json().GetProperty("tags").EnumerateArray(), t => Assert.StartsWith("Sex = ", t.GetProperty("tag").GetString(), StringComparison.Ordinal));
    }
}
