using System.Text.Json;

namespace Keel.Cli.Tests;

/// <summary>evaluation.tests in a run on credit_data: pass rates and failing examples stored and reported, and the tests gate.</summary>
public sealed class BehaviourRunTests
{
    private static string Spec(string expect, string gate) => $"""
        data: {"{"}path: credit_data.csv, label: Status{"}"}
        models: [linear]
        evaluation:
          bootstrap: 20
          tests:
            - {"{"}directional: Income, factor: 1.1, expect: {expect}, class: bad{"}"}
            - {"{"}invariance: Age, noise: 1, tolerance: 0.05{"}"}
            - {"{"}minimum: cases.csv{"}"}
        register: {"{"}gates: ["{gate}"]{"}"}
        seed: 42
        """;

    private static CliHarness Harness(string expect, string gate)
    {
        var h = new CliHarness();
        h.CopySample("credit_data.csv");
        var lines = File.ReadAllLines(Path.Combine(h.Folder, "credit_data.csv"));
        h.Write("cases.csv", string.Join("\n", lines.Take(21)) + "\n");
        h.Write("keel.yaml", Spec(expect, gate));
        return h;
    }

    [Fact]
    public async Task Run_LinearModelDirectionalIncome_PassRateOneAndGatePasses()
    {
        using var h = Harness("not_increase", "tests.directional.pass_rate == 1");

        var r = await h.RunAsync("run", "keel.yaml", "--json");

        Assert.True(r.Exit == 0, r.Error + r.Out);
        var tests = r.Json().GetProperty("evaluations").GetProperty("linear").GetProperty("behaviour").EnumerateArray().ToArray();
        Assert.Equal(["directional Income ×1.1", "invariance Age", "minimum cases.csv"], tests.Select(t => t.GetProperty("name").GetString()));
        // A linear model is monotone in Income: raising it never raises P(bad) (or always does).
        Assert.Equal(1, tests[0].GetProperty("pass_rate").GetDouble());
        Assert.Equal(20, tests[2].GetProperty("rows").GetInt32());
        Assert.InRange(tests[1].GetProperty("pass_rate").GetDouble(), 0.9, 1);
        var html = await File.ReadAllTextAsync(r.Json().GetProperty("report_path").GetString()!);
        Assert.Contains("Behavioural tests", html);
    }

    [Fact]
    public async Task Run_DirectionalExpectationViolated_GateFailsNamingAFailingRow()
    {
        using var h = Harness("not_decrease", "tests.directional.pass_rate == 1");

        var r = await h.RunAsync("run", "keel.yaml", "--json");

        Assert.Equal(3, r.Exit);
        var gate = Assert.Single(r.Json().GetProperty("gates").EnumerateArray());
        Assert.Contains("directional Income ×1.1 fails on test row", gate.GetProperty("detail").GetString());
        Assert.Contains("P(bad)", gate.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Run_DirectionalOnCategoricalColumn_ExitOneBeforeTraining()
    {
        using var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", "data: {path: credit_data.csv, label: Status}\nevaluation: {tests: [{directional: Home, factor: 2}]}\n");

        var r = await h.RunAsync("run", "keel.yaml");

        Assert.Equal(1, r.Exit);
        Assert.Contains("keel.yaml field 'evaluation.tests[0]': column 'Home' is categorical", r.Error);
        Assert.Equal("(no store)", h.StoreFingerprint());
    }
}
