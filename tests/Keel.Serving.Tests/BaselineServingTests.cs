using System.Globalization;
using System.Net;
using Keel.Pipeline.Predict;
using Keel.Serving.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Serving.Tests;

/// <summary>
/// A registered baseline (zero_rule reads no column) answers one prediction per row, served and batch-predicted: a table
/// without columns still has its rows.
/// </summary>
public sealed class BaselineServingTests : IAsyncLifetime
{
    private const string Spec = """
        experiment: baselines
        data: {path: credit_data.csv, label: Status}
        models: [zero_rule]
        evaluation: {bootstrap: 0, importance_repeats: 0}
        register: {name: credit-base, alias: champion}
        seed: 5
        """;

    private RegisteredRun _run = null!;

    public async Task InitializeAsync() => _run = await RegisteredRun.OnCreditDataAsync("keel-baseline-", Spec);

    public Task DisposeAsync() => _run.DisposeAsync().AsTask();

    [Fact]
    public async Task Serve_ZeroRule_OnePredictionPerRow()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T10:00:00Z", CultureInfo.InvariantCulture));
        await using var server = await ServingHost.StartAsync(
            new ServeOptions { Port = 0, Models = [ModelReference.Parse("credit-base@champion")] }, _run.Store.Registry, _run.Store.Artifacts, clock);
        using var client = new HttpClient { BaseAddress = server.Address };
        var lines = File.ReadAllLines(Path.Combine(_run.Folder, "credit_data.csv")).Take(6);

        var response = await ServedModelFixture.PostAsync(client, "invocations", string.Join("\n", lines) + "\n", "text/csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var labels = (await ServedModelFixture.JsonAsync(response)).GetProperty("predictions").EnumerateArray()
            .Select(p => p.GetProperty("label").GetString()!).ToArray();
        Assert.Equal(["good", "good", "good", "good", "good"], labels);
    }

    [Fact]
    public async Task BatchPredict_ZeroRule_EveryRowOfTheFile()
    {
        var version = await ModelLoader.ResolveAsync(_run.Store.Registry, ModelReference.Parse("credit-base@champion"));
        var loaded = await ModelLoader.LoadAsync(_run.Store.Artifacts, version);
        var output = Path.Combine(_run.Folder, "predictions.csv");

        var result = await BatchPredictor.RunAsync(loaded, new BatchPredictOptions { Input = Path.Combine(_run.Folder, "credit_data.csv"), Output = output, ChunkRows = 1000 }, null, default);

        Assert.Equal(4454, result.Rows);
        Assert.Equal(4455, File.ReadAllLines(output).Length);
    }
}
