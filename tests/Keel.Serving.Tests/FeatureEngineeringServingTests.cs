using System.Net;
using Keel.Core.Data;
using Keel.Data;
using Keel.Pipeline.Predict;
using Keel.Serving.Hosting;
using Keel.Tracking;

namespace Keel.Serving.Tests;

/// <summary>A model trained with the spec's features section (every transform kind), stored, reloaded, batch-predicted and
/// served gives exactly the test predictions <c>keel run</c> stored.</summary>
public sealed class FeatureEngineeringServingTests
{
    private const string Spec = """
        experiment: engineered
        data:
          path: credit_data.csv
          label: Status
          positive_class: good
        features:
          by_type:
            numeric: {impute: mean, scale: robust}
            categorical: {encode: onehot, min_frequency: 20}
          columns:
            Income: {bins: quantile, n_bins: 5, scale: none}
            Debt: {bins: fixed, edges: [1, 1000, 5000], scale: none}
            Age: {impute: most_frequent, missing_indicator: true, scale: standard}
            Assets: {impute: constant, fill_value: -1, scale: minmax}
            Job: {encode: target, folds: 4}
            Marital: {encode: hash, buckets: 8}
          crosses:
            - [Home, Records]
        models:
          - linear
          - type: lightgbm
            options: {number_of_iterations: 20}
        register:
          name: engineered
          alias: champion
        seed: 3
        """;

    [Fact]
    public async Task Run_WithEveryTransform_PredictAndServeGiveTheStoredTestPredictions()
    {
        await using var run = await RegisteredRun.CreateAsync("keel-features-", Spec,
            folder => Task.Run(() => File.Copy(Path.Combine(ServedModelFixture.RepoRoot, "samples", "credit_data.csv"), Path.Combine(folder, "credit_data.csv"))));
        var version = (await run.Store.Registry.GetByAliasAsync("engineered", "champion"))!;
        var artifacts = await run.Store.Tracking.ListArtifactsAsync(version.SourceRunId);
        var file = artifacts.Any(a => a.Path == "predictions/final.test.parquet") ? "predictions/final.test.parquet" : $"predictions/{version.Candidate}.test.parquet";
        var stored = await ModelLifecycleTests.ReadPredictionsAsync(await run.Store.ReadArtifactAsync(version.SourceRunId, file));
        var csv = Path.Combine(run.Folder, "credit_data.csv");

        // keel predict: the package reloaded from the store, the whole file in chunks.
        var output = Path.Combine(run.Folder, "predicted.csv");
        await BatchPredictor.RunAsync(await ModelLoader.LoadAsync(run.Store.Artifacts, version), new BatchPredictOptions { Input = csv, Output = output, ChunkRows = 500 }, null, CancellationToken.None);
        var written = TableReader.Read(output, new ReadOptions()).Table;
        for (var i = 0; i < stored.Rows.Length; i++)
        {
            Assert.Equal(stored.Predicted[i], written["predicted"].Format(stored.Rows[i]));
            Assert.Equal(stored.PGood[i], ((NumericColumn)written["p_good"])[stored.Rows[i]]);
        }

        // keel serve: the test rows in one request.
        await using var server = await ServingHost.StartAsync(new ServeOptions { Port = 0, Models = [ModelReference.Parse("engineered@champion")] },
            run.Store.Registry, run.Store.Artifacts, TimeProvider.System);
        using var client = new HttpClient { BaseAddress = server.Address };
        var lines = await File.ReadAllLinesAsync(csv);
        var body = string.Join("\n", new[] { lines[0] }.Concat(stored.Rows.Select(r => lines[r + 1]))) + "\n";
        var response = await ServedModelFixture.PostAsync(client, "invocations", body, "text/csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = (await ServedModelFixture.JsonAsync(response)).GetProperty("predictions");
        for (var i = 0; i < stored.Rows.Length; i++)
        {
            Assert.Equal(stored.Predicted[i], predictions[i].GetProperty("label").GetString());
            Assert.Equal(stored.PGood[i], predictions[i].GetProperty("probabilities").GetProperty("good").GetDouble());
        }

        Assert.DoesNotContain(run.Outcome.Checks.Leakage, f => f.Check == "fit_outside_train");
        var features = run.Outcome.Features;
        Assert.Contains(features, f => f.Column == "Job" && f.Transforms.Any(t => t.StartsWith("target encoding", StringComparison.Ordinal)));
        Assert.Contains(features, f => f.Column == "Home*Records" && f.Inputs.SequenceEqual(["Home", "Records"]));
        Assert.Contains(features, f => f.Column == "Income" && f.Statistics.ContainsKey("edge_4"));

        // The run's HTML report shows the data checks' findings and the features, not only the console.
        var html = await File.ReadAllTextAsync(Path.Combine(run.Folder, run.Outcome.RunId + ".html"));
        Assert.Contains("<section id=\"checks\">", html, StringComparison.Ordinal);
        Assert.Contains("<section id=\"features\">", html, StringComparison.Ordinal);
        Assert.All(run.Outcome.Checks.All, f => Assert.Contains($"<code>{f.Check}</code>", html, StringComparison.Ordinal));
        Assert.Contains("Home*Records", html, StringComparison.Ordinal);
    }
}
