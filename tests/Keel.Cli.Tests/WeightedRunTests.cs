namespace Keel.Cli.Tests;

/// <summary>Importance sampling end to end: `keel sample --strategy importance` writes sample_weight, a spec's data.weight makes the
/// run train and measure with it, and `keel evaluate` gives the same weighted figures.</summary>
public sealed class WeightedRunTests
{
    [Fact]
    public async Task Run_ImportanceSampleWithDataWeight_WeightedMetricsLoggedAndReproducedByEvaluate()
    {
        using var h = new CliHarness();
        h.CopySample("credit_data.csv");
        var sample = await h.RunAsync("sample", "credit_data.csv", "--strategy", "importance", "--n", "2500", "--weights", "Amount", "--output", "sample.csv");
        Assert.True(sample.Exit == 0, sample.Error);
        h.Write("keel.yaml", "data: {path: sample.csv, label: Status, weight: sample_weight}\nmodels: [zero_rule, linear]\nevaluation: {bootstrap: 50, importance_repeats: 0}\nregister: {enabled: false}\nseed: 42\n");

        var run = await h.RunAsync("run", "keel.yaml", "--json");

        Assert.True(run.Exit == 0, run.Error);
        var j = run.Json();
        var runId = j.GetProperty("run_id").GetString()!;
        await using var store = await Keel.Tracking.KeelStore.OpenAsync(new Keel.Tracking.StoreOptions { Uri = h.StoreFolder });
        var tracked = (await store.Tracking.GetRunAsync(runId))!;
        Assert.Equal("sample_weight", tracked.Params["data.weight"]);
        Assert.Equal("zero_rule", tracked.Params["weights.ignored_by"]);
        var linear = j.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "linear");
        Assert.True(linear.GetProperty("test_metrics").TryGetProperty("balanced_accuracy", out _));

        var evaluation = await h.RunAsync("evaluate", runId, "--json");

        Assert.True(evaluation.Exit == 0, evaluation.Error);
        // The same model on the same rows with the same weights: the run's weighted test figures.
        var metrics = evaluation.Json().GetProperty("metrics");
        foreach (var m in new[] { "auc", "log_loss", "accuracy", "balanced_accuracy" })
            Assert.Equal(tracked.Metrics[$"test.{m}"], metrics.GetProperty(m).GetDouble(), 12);
    }
}
