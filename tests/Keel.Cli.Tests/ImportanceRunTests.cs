namespace Keel.Cli.Tests;

/// <summary>Permutation importance in a run on credit_data: stored in the evaluation JSON and drawn in the report.</summary>
public sealed class ImportanceRunTests
{
    private static CliHarness Harness(string evaluation)
    {
        var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", $"data: {{path: credit_data.csv, label: Status}}\nmodels: [linear]\nevaluation: {{bootstrap: 0{evaluation}}}\nseed: 42\n");
        return h;
    }

    [Fact]
    public async Task Run_ImportanceRepeatsThree_EveryFeatureHasThreeDropsAndTheReportDrawsWhiskers()
    {
        using var h = Harness(", importance_repeats: 3");

        var r = await h.RunAsync("run", "keel.yaml", "--json");

        Assert.True(r.Exit == 0, r.Error + r.Out);
        var imp = r.Json().GetProperty("evaluations").GetProperty("linear").GetProperty("importance");
        Assert.Equal("auc", imp.GetProperty("metric").GetString());
        var features = imp.GetProperty("features").EnumerateArray().ToArray();
        Assert.Contains("Income", features.Select(f => f.GetProperty("column").GetString()));
        Assert.DoesNotContain("Status", features.Select(f => f.GetProperty("column").GetString()));
        Assert.All(features, f => Assert.Equal(3, f.GetProperty("drops").GetArrayLength()));
        var means = features.Select(f => f.GetProperty("mean").GetDouble()).ToArray();
        Assert.Equal(means.OrderByDescending(m => m), means);
        // Credit scoring leans on income and records: shuffling the most important column costs AUC.
        Assert.True(means[0] > 0.01, $"largest mean drop {means[0]}");
        var html = await File.ReadAllTextAsync(r.Json().GetProperty("report_path").GetString()!);
        Assert.Contains("Permutation importance (auc)", html);
        Assert.Contains("whiskers: ± std over 3 shuffles", html);
        Assert.Contains("class=\"whisker\"", html[html.IndexOf("Permutation importance: drop", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task Run_LinearModel_TenTestRowsExplainedInLogOddsInJsonAndReport()
    {
        using var h = Harness(", importance_repeats: 0");

        var r = await h.RunAsync("run", "keel.yaml", "--json");

        Assert.True(r.Exit == 0, r.Error + r.Out);
        var c = r.Json().GetProperty("evaluations").GetProperty("linear").GetProperty("contributions");
        Assert.Equal("log-odds", c.GetProperty("space").GetString());
        var rows = c.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(10, rows.Length);
        Assert.Equal(0, rows[0].GetProperty("row").GetInt32());
        Assert.All(rows, x => Assert.Equal(5, x.GetProperty("top").GetArrayLength()));
        var sizes = rows[0].GetProperty("top").EnumerateArray().Select(t => Math.Abs(t.GetProperty("contribution").GetDouble())).ToArray();
        Assert.Equal(sizes.OrderDescending(), sizes);
        var html = await File.ReadAllTextAsync(r.Json().GetProperty("report_path").GetString()!);
        Assert.Contains("Contributions for a sample of test rows (log-odds)", html);
    }

    [Fact]
    public async Task Run_ImportanceRepeatsZero_NoImportance()
    {
        using var h = Harness(", importance_repeats: 0");

        var r = await h.RunAsync("run", "keel.yaml", "--json");

        Assert.True(r.Exit == 0, r.Error + r.Out);
        var linear = r.Json().GetProperty("evaluations").GetProperty("linear");
        Assert.False(linear.TryGetProperty("importance", out var i) && i.ValueKind != System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task Run_ImportanceRepeatsNegative_ExitOneNamingTheField()
    {
        using var h = Harness(", importance_repeats: -1");

        var r = await h.RunAsync("run", "keel.yaml");

        Assert.Equal(1, r.Exit);
        Assert.Contains("evaluation.importance_repeats", r.Error);
        Assert.Contains("from 0 (no importance) to 1000, got -1", r.Error);
    }
}
