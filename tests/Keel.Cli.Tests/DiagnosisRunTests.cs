namespace Keel.Cli.Tests;

/// <summary>Learning curve, bias/variance table and capability/alignment quadrants in a run on credit_data.</summary>
public sealed class DiagnosisRunTests
{
    private static CliHarness Harness(string evaluation, string split = "")
    {
        var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", $"data: {{path: credit_data.csv, label: Status}}\nmodels: [zero_rule, linear, fasttree]\nevaluation: {{bootstrap: 0, importance_repeats: 0{evaluation}}}\n{split}seed: 42\n");
        return h;
    }

    [Fact]
    public async Task Run_LearningCurveAndHumanLevel_FivePointsTableQuadrantsAndChart()
    {
        using var h = Harness(", learning_curve: true, human_level: 0.05");

        var r = await h.RunAsync("run", "keel.yaml", "--json");

        Assert.True(r.Exit == 0, r.Error + r.Out);
        var json = r.Json();
        var selected = json.GetProperty("selected").GetString()!;
        var e = json.GetProperty("evaluations").GetProperty(selected);
        var candidate = json.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("name").GetString() == selected);
        var trainRows = json.GetProperty("split").GetProperty("train").GetInt32();

        var points = e.GetProperty("learning_curve").GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal([0.1, 0.25, 0.5, 0.75, 1.0], points.Select(p => p.GetProperty("fraction").GetDouble()));
        Assert.Equal((int)Math.Ceiling(0.1 * trainRows), points[0].GetProperty("train_rows").GetInt32());
        Assert.Equal(trainRows, points[^1].GetProperty("train_rows").GetInt32());
        // At 100 % the fit is the candidate's own: the same validation AUC.
        var validationAuc = candidate.GetProperty("validation_metrics").GetProperty("auc").GetDouble();
        Assert.Equal(validationAuc, points[^1].GetProperty("validation").GetDouble(), 1e-12);

        var bv = e.GetProperty("bias_variance");
        Assert.Equal(1 - validationAuc, bv.GetProperty("validation").GetDouble(), 1e-12);
        Assert.Equal(1 - candidate.GetProperty("test_metrics").GetProperty("auc").GetDouble(), bv.GetProperty("test").GetDouble(), 1e-12);
        Assert.Equal(bv.GetProperty("train").GetDouble() - 0.05, bv.GetProperty("avoidable_bias").GetDouble(), 1e-12);
        Assert.Equal("zero_rule", bv.GetProperty("baseline").GetString());

        var quadrants = e.GetProperty("quadrants").EnumerateArray().ToArray();
        Assert.Equal(2, quadrants.Length);
        var q = quadrants[0];
        // The train-vs-test pair: the candidate's test log loss against its log loss on its own training rows.
        var trainTest = quadrants[1];
        Assert.Equal($"{selected} on test", trainTest.GetProperty("model").GetString());
        Assert.Equal($"{selected} on train", trainTest.GetProperty("reference").GetString());
        Assert.Equal(bv.GetProperty("train").GetDouble() - bv.GetProperty("test").GetDouble(), trainTest.GetProperty("metric_change").GetDouble(), 1e-12);
        Assert.True(trainTest.GetProperty("loss_change").GetDouble() > 0, "a fitted model has the lower log loss on its own training rows");
        var runnerUp = json.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("name").GetString() == q.GetProperty("reference").GetString());
        Assert.NotEqual(selected, runnerUp.GetProperty("name").GetString());
        Assert.Equal(candidate.GetProperty("test_metrics").GetProperty("log_loss").GetDouble() - runnerUp.GetProperty("test_metrics").GetProperty("log_loss").GetDouble(),
            q.GetProperty("loss_change").GetDouble(), 1e-12);

        var html = await File.ReadAllTextAsync(json.GetProperty("report_path").GetString()!);
        Assert.Contains("Bias and variance (error = 1 − auc)", html);
        Assert.Contains("Capability vs alignment", html);
        Assert.Contains($"{selected} on train", html);
        Assert.Contains("share of training rows", html);
    }

    [Fact]
    public async Task Run_LearningCurveWithoutValidation_ExitOneNamingTheField()
    {
        using var h = Harness(", learning_curve: true", "split: {validation_fraction: 0}\n");
        h.Write("keel.yaml", File.ReadAllText(Path.Combine(h.Folder, "keel.yaml")).Replace("models: [zero_rule, linear, fasttree]", "models: [linear]", StringComparison.Ordinal));

        var r = await h.RunAsync("run", "keel.yaml");

        Assert.Equal(1, r.Exit);
        Assert.Contains("'evaluation.learning_curve'", r.Error);
        Assert.Contains("validation split, which is empty", r.Error);
        Assert.Equal("(no store)", h.StoreFingerprint());
    }

    [Fact]
    public async Task Run_HumanLevelNegative_ExitOneNamingTheField()
    {
        using var h = Harness(", human_level: -0.1");

        var r = await h.RunAsync("run", "keel.yaml");

        Assert.Equal(1, r.Exit);
        Assert.Contains("evaluation.human_level", r.Error);
        Assert.Contains("got -0.1", r.Error);
    }
}
