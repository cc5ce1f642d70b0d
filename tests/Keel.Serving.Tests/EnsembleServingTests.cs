using System.Globalization;
using System.Net;
using Keel.Data;
using Keel.Pipeline;
using Keel.Pipeline.Predict;
using Keel.Serving.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Serving.Tests;

/// <summary>
/// A stacking ensemble competes as a candidate, is registered like any model, comes back from the registry predicting to the
/// bit as the model the run fitted, and is served by `keel serve` (real Kestrel).
/// </summary>
public sealed class EnsembleServingTests : IAsyncLifetime
{
    private const string Spec = """
        experiment: ensembles
        data: {path: credit_data.csv, label: Status}
        split: {refit: false}
        models:
          - type: stacking
            members:
              - {type: lightgbm, options: {number_of_iterations: 30}}
              - linear
            folds: 3
        register: {name: credit-stack, alias: champion}
        seed: 5
        """;

    private RegisteredRun _run = null!;

    private string Csv => Path.Combine(_run.Folder, "credit_data.csv");

    public async Task InitializeAsync() => _run = await RegisteredRun.OnCreditDataAsync("keel-ensemble-", Spec);

    public Task DisposeAsync() => _run.DisposeAsync().AsTask();

    private Keel.Core.Data.Table Features() => TableReader.Read(Csv, new ReadOptions()).Table.Drop(["Status"]);

    [Fact]
    public async Task Registry_StackingEnsemble_LoadsAndPredictsToTheBit()
    {
        var fitted = _run.Outcome.Candidates.Single(c => c.Name == "stacking").Model;
        var version = await ModelLoader.ResolveAsync(_run.Store.Registry, ModelReference.Parse("credit-stack@champion"));
        var loaded = await ModelLoader.LoadAsync(_run.Store.Artifacts, version);

        var features = Features();
        var before = fitted.Predict(features).Probabilities!;
        var after = loaded.Predict(features).Probabilities!;

        Assert.Equal("stacking", _run.Outcome.Selected);
        Assert.Equal("stacking", loaded.Model.Type);
        Assert.Equal(before.Length, after.Length);
        Assert.Equal(before.SelectMany(r => r), after.SelectMany(r => r));
    }

    [Fact]
    public async Task Serve_StackingEnsemble_AnswersWithItsProbabilities()
    {
        var version = await ModelLoader.ResolveAsync(_run.Store.Registry, ModelReference.Parse("credit-stack@champion"));
        var loaded = await ModelLoader.LoadAsync(_run.Store.Artifacts, version);
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T10:00:00Z", CultureInfo.InvariantCulture));
        await using var server = await ServingHost.StartAsync(
            new ServeOptions { Port = 0, Models = [ModelReference.Parse("credit-stack@champion")] }, _run.Store.Registry, _run.Store.Artifacts, clock);
        using var client = new HttpClient { BaseAddress = server.Address };
        var lines = File.ReadAllLines(Csv).Take(101).Select(l => l[(l.IndexOf(',', StringComparison.Ordinal) + 1)..]);

        var response = await ServedModelFixture.PostAsync(client, "invocations", string.Join("\n", lines) + "\n", "text/csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var served = (await ServedModelFixture.JsonAsync(response)).GetProperty("predictions").EnumerateArray()
            .Select(p => p.GetProperty("probabilities").GetProperty("bad").GetDouble()).ToArray();
        var bad = loaded.Model.Classes.ToList().IndexOf("bad");
        var expected = loaded.Predict(Features()).Probabilities!.Take(100).Select(p => p[bad]).ToArray();
        Assert.Equal(100, served.Length);
        for (var i = 0; i < served.Length; i++) Assert.Equal(expected[i], served[i], 1e-12);
    }
}
