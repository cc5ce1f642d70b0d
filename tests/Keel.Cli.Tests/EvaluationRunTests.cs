using System.Globalization;
using System.Text.Json;

namespace Keel.Cli.Tests;

/// <summary>`keel run` on credit_data with slices and a sensitive column: the stored evaluation, the report section and fairness gates.</summary>
public sealed class EvaluationRunTests
{
    private const string Spec = """
        data: {path: credit_data.csv, label: Status}
        models: [zero_rule, linear, {type: linear, name: linear_b}]
        split: {refit: false}
        evaluation: {slices: [Home], sensitive: [Marital], bootstrap: 200}
        seed: 42
        """;

    private static CliHarness CreditData(string gates)
    {
        var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", Spec + "\n" + gates);
        return h;
    }

    private static async Task<JsonElement> ReadArtifactAsync(CliHarness h, string runId, string path)
    {
        await using var store = await Keel.Tracking.KeelStore.OpenAsync(new Keel.Tracking.StoreOptions { Uri = h.StoreFolder });
        var bytes = await Keel.Tracking.ArtifactStoreExtensions.ReadArtifactAsync(store, runId, path);
        return JsonDocument.Parse(bytes).RootElement.Clone();
    }

    [Fact]
    public async Task Run_CreditDataWithHomeSlicesAndMaritalSensitive_StoresEvaluationAndReportsSlicesAndFairness()
    {
        using var h = CreditData("");

        var r = await h.RunAsync("run", "keel.yaml", "--json");

        Assert.True(r.Exit == 0, r.Error);
        var j = r.Json();
        var selected = j.GetProperty("selected").GetString()!;
        var runId = j.GetProperty("run_id").GetString()!;
        var evaluation = await ReadArtifactAsync(h, runId, $"evaluation/{selected}.test.json");
        Assert.Equal(selected, evaluation.GetProperty("candidate").GetString());
        Assert.Equal(200, evaluation.GetProperty("bootstrap").GetProperty("resamples").GetInt32());
        var auc = evaluation.GetProperty("intervals").GetProperty("auc");
        Assert.True(auc.GetProperty("low").GetDouble() <= auc.GetProperty("estimate").GetDouble());
        Assert.True(auc.GetProperty("estimate").GetDouble() <= auc.GetProperty("high").GetDouble());
        var slices = evaluation.GetProperty("slices").EnumerateArray().ToArray();
        Assert.All(slices, s => Assert.Equal("Home", s.GetProperty("column").GetString()));
        var homes = slices.Select(s => s.GetProperty("value").GetString()!).ToArray();
        Assert.Contains("owner", homes);
        Assert.Contains("rent", homes);
        Assert.Equal(j.GetProperty("split").GetProperty("test").GetInt32(), slices.Sum(s => s.GetProperty("rows").GetInt32()));
        // Home = ignore and missing Home are rare: below evaluation.min_slice_rows (30) they are listed without figures.
        var small = slices.Where(s => s.GetProperty("rows").GetInt32() < 30).ToArray();
        Assert.NotEmpty(small);
        Assert.All(small, s => Assert.True(s.GetProperty("below_minimum").GetBoolean()));
        Assert.All(small, s => Assert.Empty(s.GetProperty("metrics").EnumerateObject()));
        Assert.All(slices.Except(small), s => Assert.True(s.GetProperty("metrics").TryGetProperty("auc", out _)));
        var fairness = Assert.Single(evaluation.GetProperty("fairness").EnumerateArray());
        Assert.Equal("Marital", fairness.GetProperty("column").GetString());
        var groups = fairness.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()!).ToArray();
        Assert.Contains("married", groups);
        Assert.Contains("single", groups);
        var eod = fairness.GetProperty("equalized_odds_difference").GetProperty("estimate").GetDouble();
        Assert.InRange(eod, 0, 1);
        // The other model's artifact holds its intervals.
        var other = await ReadArtifactAsync(h, runId, "evaluation/zero_rule.test.json");
        Assert.True(other.GetProperty("intervals").TryGetProperty("auc", out _));

        var html = await File.ReadAllTextAsync(j.GetProperty("report_path").GetString()!);
        Assert.Contains("Evaluation beyond averages", html);
        Assert.Contains("Slices (auc)", html);
        Assert.Contains(">owner<", html);
        Assert.Contains(">too few rows<", html);
        Assert.Contains("Fairness: Marital", html);
        Assert.Contains(">married<", html);
        // Two identical linear models: the significance table says tied, with the p-value once, in its own column.
        Assert.Contains(">tied<", html);
        Assert.DoesNotContain("tied (p", html);
        Assert.Contains("equalized odds difference " + eod.ToString("0.####", CultureInfo.InvariantCulture), html);
    }

    [Fact]
    public async Task Run_FairnessGateFailsOnMarital_Exits3NamingTheGroups()
    {
        using var h = CreditData("register: {gates: [\"equalized_odds_difference <= 0.001 on Marital\"]}\n");

        var r = await h.RunAsync("run", "keel.yaml", "--json");

        Assert.Equal(3, r.Exit);
        var j = r.Json();
        Assert.Equal(JsonValueKind.Null, j.GetProperty("registered").ValueKind);
        var gate = Assert.Single(j.GetProperty("gates").EnumerateArray());
        Assert.False(gate.GetProperty("passed").GetBoolean());
        var detail = gate.GetProperty("detail").GetString()!;
        var evaluation = await ReadArtifactAsync(h, j.GetProperty("run_id").GetString()!, $"evaluation/{j.GetProperty("selected").GetString()}.test.json");
        var groups = evaluation.GetProperty("fairness")[0].GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()).ToArray();
        // "widest TPR gap between Marital = A and Marital = B": both named groups are groups of the audit.
        var gap = detail[detail.IndexOf("between", StringComparison.Ordinal)..];
        var named = gap.Split("Marital = ").Skip(1).Select(s => s.Split(' ', ';')[0]).ToArray();
        Assert.Equal(2, named.Length);
        Assert.All(named, g => Assert.Contains(g, groups));
        Assert.Contains("equalized_odds_difference <= 0.001 on Marital", j.GetProperty("not_registered_reason").GetString());
    }
}
