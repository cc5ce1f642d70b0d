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

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "keel-decision-" + Guid.NewGuid().ToString("N")[..12]);
    private KeelStore _store = null!;
    private RunOutcome _outcome = null!;

    private string Csv => Path.Combine(_folder, "credit_data.csv");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        File.Copy(Path.Combine(ServedModelFixture.RepoRoot, "samples", "credit_data.csv"), Csv);
        var specPath = Path.Combine(_folder, "keel.yaml");
        await File.WriteAllTextAsync(specPath, Spec);
        _store = await KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(_folder, ".keel"), BaseDirectory = _folder, Time = TimeProvider.System });
        var prepared = RunPreparation.Prepare(specPath, null);
        _outcome = await new RunPipeline(_store, TimeProvider.System, new Progress<PipelineProgress>(), "tester")
            .ExecuteAsync(prepared, id => Path.Combine(_folder, id + ".html"), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still held open stays in the temp folder.
        }
    }

    private double Threshold => _outcome.Evaluations["linear"].Decision!.Threshold!.Value;

    /// <summary>The first 300 rows without the label, as CSV.</summary>
    private string Features()
    {
        var lines = File.ReadAllLines(Csv).Take(301).Select(l => l[(l.IndexOf(',', StringComparison.Ordinal) + 1)..]);
        return string.Join("\n", lines) + "\n";
    }

    [Fact]
    public void Run_CostThreshold_StoredInTheEvaluationAndBelowAHalf()
    {
        var decision = _outcome.Evaluations["linear"].Decision!;

        Assert.Equal("sigmoid", decision.Calibration);
        Assert.Equal("costs fp 1, fn 5", decision.Objective);
        // A missed "bad" costs five false alarms: the threshold on P(bad) sits well under 0.5.
        Assert.InRange(Threshold, 0.01, 0.4);
        Assert.True(_outcome.Evaluations["linear"].Calibration!.Stored);
    }

    [Fact]
    public async Task Serve_ModelWithThreshold_LabelsByTheThreshold()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T10:00:00Z", CultureInfo.InvariantCulture));
        await using var server = await ServingHost.StartAsync(
            new ServeOptions { Port = 0, Models = [ModelReference.Parse("credit-costs@champion")] }, _store.Registry, _store.Artifacts, clock);
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
        var version = await ModelLoader.ResolveAsync(_store.Registry, ModelReference.Parse("credit-costs@champion"));
        var model = await ModelLoader.LoadAsync(_store.Artifacts, version);
        var input = Path.Combine(_folder, "batch.csv");
        await File.WriteAllTextAsync(input, Features());
        var output = Path.Combine(_folder, "batch-out.csv");

        await BatchPredictor.RunAsync(model, new BatchPredictOptions { Input = input, Output = output }, null, CancellationToken.None);

        var written = TableReader.Read(output, new ReadOptions()).Table;
        Assert.Equal(300, written.RowCount);
        var bad = (Keel.Core.Data.NumericColumn)written["p_bad"];
        for (var r = 0; r < written.RowCount; r++)
            Assert.Equal(bad[r] >= Threshold ? "bad" : "good", written["predicted"].Format(r));
        Assert.Contains(Enumerable.Range(0, written.RowCount), r => bad[r] >= Threshold && bad[r] < 0.5);
    }
}
