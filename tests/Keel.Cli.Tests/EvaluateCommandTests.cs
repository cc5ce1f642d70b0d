using System.Text.Json;

namespace Keel.Cli.Tests;

/// <summary>`keel evaluate`: a run's model or a registered model evaluated again, on its test split or on new labelled data, tracked as a run.</summary>
public sealed class EvaluateCommandTests
{
    private const string Spec = """
        data: {path: credit_data.csv, label: Status}
        models: [zero_rule, linear]
        evaluation: {slices: [Home], sensitive: [Marital], bootstrap: 100, calibrate: sigmoid}
        register: {alias: champion}
        seed: 42
        """;

    private static async Task<(CliHarness H, JsonElement Run)> TrainedAsync()
    {
        var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", Spec);
        var r = await h.RunAsync("run", "keel.yaml", "--json");
        Assert.True(r.Exit == 0, r.Error);
        return (h, r.Json());
    }

    private static async Task<Keel.Core.Tracking.Run> GetRunAsync(CliHarness h, string id)
    {
        await using var store = await Keel.Tracking.KeelStore.OpenAsync(new Keel.Tracking.StoreOptions { Uri = h.StoreFolder });
        return (await store.Tracking.GetRunAsync(id))!;
    }

    [Fact]
    public async Task Evaluate_RunOnItsTestSplit_SameMetricsAsTheRunTrackedAsLinkedRunWithReport()
    {
        var (h, run) = await TrainedAsync();
        using var _ = h;
        var runId = run.GetProperty("run_id").GetString()!;

        var r = await h.RunAsync("evaluate", runId, "--json");

        Assert.True(r.Exit == 0, r.Error);
        var j = r.Json();
        var evalId = j.GetProperty("run_id").GetString()!;
        Assert.NotEqual(runId, evalId);
        Assert.True(j.GetProperty("on_test_split").GetBoolean());
        Assert.Equal(run.GetProperty("split").GetProperty("test").GetInt32(), j.GetProperty("rows").GetInt32());
        var source = await GetRunAsync(h, runId);
        var evaluation = await GetRunAsync(h, evalId);
        Assert.Equal(source.ExperimentId, evaluation.ExperimentId);
        Assert.Equal(runId, evaluation.Tags["keel.evaluation_of"]);
        Assert.Equal(Keel.Core.Tracking.RunStatus.Finished, evaluation.Status);
        // The same model on the same rows: the same test metrics as the run logged.
        Assert.Equal(source.Metrics["test.auc"], evaluation.Metrics["test.auc"], 12);
        Assert.Equal(source.Metrics["test.log_loss"], evaluation.Metrics["test.log_loss"], 12);
        var selected = j.GetProperty("candidate").GetString()!;
        var sel = j.GetProperty("evaluations").GetProperty(selected);
        Assert.NotEmpty(sel.GetProperty("slices").EnumerateArray());
        Assert.Single(sel.GetProperty("fairness").EnumerateArray());
        Assert.NotEmpty(sel.GetProperty("comparisons").EnumerateArray());
        Assert.Equal("sigmoid", sel.GetProperty("calibration").GetProperty("method").GetString());
        Assert.True(sel.GetProperty("conformal").GetProperty("calibration_rows").GetInt32() > 0);
        var html = await File.ReadAllTextAsync(j.GetProperty("report_path").GetString()!);
        Assert.Contains("Evaluation beyond averages", html);
        Assert.Contains("Fairness: Marital", html);
        Assert.Contains("evaluation only", html);
    }

    [Fact]
    public async Task Evaluate_RunOnItsTestSplit_BiasVarianceAndTrainTestQuadrantAsTheRun()
    {
        var (h, run) = await TrainedAsync();
        using var _ = h;
        var runId = run.GetProperty("run_id").GetString()!;
        var selected = run.GetProperty("selected").GetString()!;
        var fromRun = run.GetProperty("evaluations").GetProperty(selected);

        var r = await h.RunAsync("evaluate", runId, "--json");

        Assert.True(r.Exit == 0, r.Error);
        var sel = r.Json().GetProperty("evaluations").GetProperty(selected);
        var bv = sel.GetProperty("bias_variance");
        var expected = fromRun.GetProperty("bias_variance");
        foreach (var field in new[] { "train", "validation", "test", "baseline_test", "variance", "data_mismatch" })
            Assert.Equal(expected.GetProperty(field).GetDouble(), bv.GetProperty(field).GetDouble(), 1e-12);
        Assert.Equal("zero_rule", bv.GetProperty("baseline").GetString());
        var q = Assert.Single(sel.GetProperty("quadrants").EnumerateArray());
        var fromRunQ = fromRun.GetProperty("quadrants").EnumerateArray().Single(x => x.GetProperty("reference").GetString() == $"{selected} on train");
        Assert.Equal($"{selected} on train", q.GetProperty("reference").GetString());
        Assert.Equal(fromRunQ.GetProperty("loss_change").GetDouble(), q.GetProperty("loss_change").GetDouble(), 1e-12);
        Assert.Equal(fromRunQ.GetProperty("quadrant").GetString(), q.GetProperty("quadrant").GetString());
        var html = await File.ReadAllTextAsync(r.Json().GetProperty("report_path").GetString()!);
        Assert.Contains("Bias and variance", html);
    }

    [Fact]
    public async Task Evaluate_RegisteredModelWithoutJson_PrintsMetricsWithTheirIntervals()
    {
        var (h, run) = await TrainedAsync();
        using var _ = h;
        var name = run.GetProperty("registered").GetProperty("name").GetString()!;

        var r = await h.RunAsync("evaluate", $"{name}@champion");

        Assert.True(r.Exit == 0, r.Error);
        Assert.Contains($"of {name}:1", r.Console);
        // A bracketed interval is text, not console markup: "[0.81, 0.87]" beside the auc.
        Assert.Matches(@"auc\s+0\.\d+\s+\[0\.\d+, 0\.\d+\]", r.Console);
        // Each comparison's p-value once: "(p = 0.0123)" or "(p < 0.0001)", never "(p p = ...)".
        Assert.Matches(@"(?m)^  vs \w+ on auc: (better|worse|tied) \(p (= 0\.\d+|< 0\.0001|= 1)\)\r?$", r.Console);
        Assert.DoesNotContain("(p p ", r.Console, StringComparison.Ordinal);
        Assert.Contains("Report: ", r.Console);
    }

    [Fact]
    public async Task Evaluate_RegisteredModelOnNewData_EvaluatesEveryRowOfTheFile()
    {
        var (h, run) = await TrainedAsync();
        using var _ = h;
        var name = run.GetProperty("registered").GetProperty("name").GetString()!;
        var lines = File.ReadAllLines(Path.Combine(h.Folder, "credit_data.csv"));
        h.Write("new.csv", string.Join("\n", lines.Take(401)) + "\n");

        var r = await h.RunAsync("evaluate", $"{name}@champion", "--data", "new.csv", "--json");

        Assert.True(r.Exit == 0, r.Error);
        var j = r.Json();
        Assert.False(j.GetProperty("on_test_split").GetBoolean());
        Assert.Equal(400, j.GetProperty("rows").GetInt32());
        Assert.Equal($"{name}:1", j.GetProperty("model").GetString());
        var evaluation = await GetRunAsync(h, j.GetProperty("run_id").GetString()!);
        Assert.Equal($"{name}:1", evaluation.Tags["keel.evaluated_model"]);
        Assert.InRange(evaluation.Metrics["test.auc"], 0.5, 1);
        // The first 400 rows of the training file: every one outside the run's test split was trained on (the model is refitted on
        // train + validation), and says so; a test row counts only when it repeats a training row exactly.
        string testSplit;
        await using (var store = await Keel.Tracking.KeelStore.OpenAsync(new Keel.Tracking.StoreOptions { Uri = h.StoreFolder }))
            testSplit = System.Text.Encoding.UTF8.GetString(await Keel.Tracking.ArtifactStoreExtensions.ReadArtifactAsync(store, run.GetProperty("run_id").GetString()!, "split/test.txt"));
        var test = testSplit.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).Where(r => r < 400).ToHashSet();
        var flagged = j.GetProperty("trained_on_rows").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        Assert.Equal(Enumerable.Range(0, 400).Where(r => !test.Contains(r)), flagged.Where(r => !test.Contains(r)));
        Assert.InRange(flagged.Count(test.Contains), 0, 2);
        Assert.Equal(flagged.Length, evaluation.Metrics["data.trained_on_rows"]);
        Assert.Contains($"{flagged.Length} of them repeat a row the model was trained on", File.ReadAllText(j.GetProperty("report_path").GetString()!), StringComparison.Ordinal);
        var human = await h.RunAsync("evaluate", $"{name}@champion", "--data", "new.csv");
        Assert.Contains($"warning {flagged.Length} of the 400 rows", human.Console, StringComparison.Ordinal);
        Assert.Contains("repeat a row the model was trained on", human.Console, StringComparison.Ordinal);
        // Only test rows: none (or the exact repeats) flagged.
        h.Write("test-only.csv", lines[0] + "\n" + string.Join("\n", test.Order().Select(r => lines[r + 1])) + "\n");
        var onTest = (await h.RunAsync("evaluate", $"{name}@champion", "--data", "test-only.csv", "--json")).Json();
        Assert.InRange(onTest.GetProperty("trained_on_rows").GetArrayLength(), 0, 2);
    }

    [Fact]
    public async Task Evaluate_NewDataWithUnknownClass_ExitOneNamingRowAndColumnAndNoRunAdded()
    {
        var (h, run) = await TrainedAsync();
        using var _ = h;
        var lines = File.ReadAllLines(Path.Combine(h.Folder, "credit_data.csv"));
        h.Write("bad.csv", string.Join("\n", lines.Take(50)) + "\n" + lines[50].Replace("\"good\"", "\"maybe\"").Replace("\"bad\"", "\"maybe\"") + "\n");
        var before = h.StoreFingerprint();

        var r = await h.RunAsync("evaluate", run.GetProperty("run_id").GetString()!, "--data", "bad.csv");

        Assert.Equal(1, r.Exit);
        Assert.Contains("bad.csv data row 50 (1-based), column 'Status': class 'maybe'", r.Error);
        Assert.Equal(before, h.StoreFingerprint());
    }

    [Fact]
    public async Task Evaluate_UnknownRunOrModel_ExitOneNamingIt()
    {
        var (h, _) = await TrainedAsync();
        using var __ = h;

        var r = await h.RunAsync("evaluate", "nosuchmodel@champion");

        Assert.Equal(1, r.Exit);
        Assert.Contains("nosuchmodel", r.Error);
    }
}
