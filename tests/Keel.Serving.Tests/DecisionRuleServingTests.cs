using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Keel.Data;
using Keel.Pipeline;
using Keel.Pipeline.Predict;
using Keel.Serving.Hosting;
using Keel.Tracking;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Serving.Tests;

/// <summary>
/// A run with evaluation.calibrate and a cost-based evaluation.threshold registers a model that carries both: the server (real
/// Kestrel) and `keel predict` answer with calibrated probabilities and the threshold's labels, not the larger probability's.
/// </summary>
public sealed class DecisionRuleServingTests : IAsyncLifetime
{
    private const string Spec = """
        experiment: decision-rule
        data: {path: credit_data.csv, label: Status}
        models: [linear]
        evaluation: {calibrate: sigmoid, threshold: {costs: {fp: 1, fn: 5}}, bootstrap: 50}
        register: {name: credit-costs, alias: champion}
        seed: 11
        """;

    private RegisteredRun _run = null!;

    private string Csv => Path.Combine(_run.Folder, "credit_data.csv");

    public async Task InitializeAsync() => _run = await RegisteredRun.OnCreditDataAsync("keel-decision-", Spec);

    public Task DisposeAsync() => _run.DisposeAsync().AsTask();

    private double Threshold => _run.Outcome.Evaluations["linear"].Decision!.Threshold!.Value;

    /// <summary>The first 300 rows without the label, as CSV.</summary>
    private string Features()
    {
        var lines = File.ReadAllLines(Csv).Take(301).Select(l => l[(l.IndexOf(',', StringComparison.Ordinal) + 1)..]);
        return string.Join("\n", lines) + "\n";
    }

    [Fact]
    public void Run_CostThreshold_StoredInTheEvaluationAndBelowAHalf()
    {
        var decision = _run.Outcome.Evaluations["linear"].Decision!;

        Assert.Equal("sigmoid", decision.Calibration);
        Assert.Equal("costs fp 1, fn 5", decision.Objective);
        // A missed "bad" costs five false alarms: the threshold on P(bad) sits well under 0.5.
        Assert.InRange(Threshold, 0.01, 0.4);
        Assert.True(_run.Outcome.Evaluations["linear"].Calibration!.Stored);
    }

    [Fact]
    public async Task Serve_ModelWithThreshold_LabelsByTheThreshold()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T10:00:00Z", CultureInfo.InvariantCulture));
        await using var server = await ServingHost.StartAsync(
            new ServeOptions { Port = 0, Models = [ModelReference.Parse("credit-costs@champion")] }, _run.Store.Registry, _run.Store.Artifacts, clock);
        using var client = new HttpClient { BaseAddress = server.Address };

        var response = await ServedModelFixture.PostAsync(client, "invocations", Features(), "text/csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = (await ServedModelFixture.JsonAsync(response)).GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(300, predictions.Length);
        var bad = predictions.Select(p => p.GetProperty("probabilities").GetProperty("bad").GetDouble()).ToArray();
        var labels = predictions.Select(p => p.GetProperty("label").GetString()).ToArray();
        Assert.Equal(bad.Select(p => p >= Threshold ? "bad" : "good"), labels);
        Assert.Contains(bad, p => p >= Threshold && p < 0.5);
    }

    [Fact]
    public async Task Predict_ModelWithThreshold_LabelsByTheThreshold()
    {
        var version = await ModelLoader.ResolveAsync(_run.Store.Registry, ModelReference.Parse("credit-costs@champion"));
        var model = await ModelLoader.LoadAsync(_run.Store.Artifacts, version);
        var input = Path.Combine(_run.Folder, "batch.csv");
        await File.WriteAllTextAsync(input, Features());
        var output = Path.Combine(_run.Folder, "batch-out.csv");

        await BatchPredictor.RunAsync(model, new BatchPredictOptions { Input = input, Output = output }, null, CancellationToken.None);

        var written = TableReader.Read(output, new ReadOptions()).Table;
        Assert.Equal(300, written.RowCount);
        var bad = (Keel.Core.Data.NumericColumn)written["p_bad"];
        for (var r = 0; r < written.RowCount; r++)
            Assert.Equal(bad[r] >= Threshold ? "bad" : "good", written["predicted"].Format(r));
        Assert.Contains(Enumerable.Range(0, written.RowCount), r => bad[r] >= Threshold && bad[r] < 0.5);
    }
}
