using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Keel.Tracking;

namespace Keel.Pipeline.Tests;

/// <summary>The registered model of a boosted candidate that stopped early states the rounds it trained (the refit on train +
/// validation, or with cv the fit on every row, trains the rounds kept): in its header and in the run's final.OPTION params.</summary>
public sealed class RefitRoundsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-refitrounds-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The effective params a model package's header (manifest.json) records.</summary>
    internal static Dictionary<string, string> Header(byte[] package)
    {
        using var zip = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read);
        using var manifest = zip.GetEntry("manifest.json")!.Open();
        return JsonDocument.Parse(manifest).RootElement.GetProperty("effective_params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    private PreparedRun Prepare(string selection)
    {
        var spec = Path.Combine(_dir, "keel.yaml");
        var data = Path.Combine(Search.SearchPipelineTests.Root(), "samples", "credit_data.csv");
        File.WriteAllText(spec, $"experiment: refit\ndata: {{path: {data}, label: Status}}\n"
            + "models:\n  - {type: lightgbm, options: {number_of_iterations: 300, learning_rate: 0.9, early_stopping_rounds: 5}}\n"
            + $"split: {{selection: {selection}}}\n");
        return RunPreparation.Prepare(spec, null);
    }

    [Theory]
    [InlineData("validation")]
    [InlineData("cv")]
    public async Task ExecuteAsync_BoostedCandidateStoppedEarly_RegisteredModelRecordsTheRoundsItTrained(string selection)
    {
        var run = Prepare(selection);
        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(_dir, "store") });

        var outcome = await new RunPipeline(store, TimeProvider.System, new Progress<PipelineProgress>(), "test")
            .ExecuteAsync(run, id => Path.Combine(_dir, id + ".html"), CancellationToken.None);

        var stored = (await store.Tracking.GetRunAsync(outcome.RunId))!;
        // With validation the refit trains the best round on train + validation; with cv the fit on every row trains the folds' mean
        // best round, and its loss curve has one point per round it trained.
        var trained = selection == "validation"
            ? (int)stored.Metrics["lightgbm.best_iteration"]
            : outcome.Candidates.Single(c => c.Name == "lightgbm").LossCurve!.Points.Count;
        Assert.InRange(trained, 1, 299);
        var registered = await store.Registry.GetVersionAsync(outcome.Registered!.Name, outcome.Registered.Version);
        using var package = new MemoryStream();
        await using (var file = await store.Artifacts.OpenReadAsync(registered!.ModelSha256)) await file.CopyToAsync(package);
        var header = Header(package.ToArray());
        var rounds = trained.ToString(CultureInfo.InvariantCulture);
        Assert.Equal((rounds, "0"), (header["number_of_iterations"], header["early_stopping_rounds"]));
        Assert.Equal((rounds, "0"), (stored.Params["final.number_of_iterations"], stored.Params["final.early_stopping_rounds"]));
        Assert.Equal(("300", "5"), (stored.Params["lightgbm.number_of_iterations"], stored.Params["lightgbm.early_stopping_rounds"]));
        // With cv, the folds' mean inner curve that chose the rounds is tracked (every round) and drawn beside the fit's train curve.
        var inner = await store.Tracking.GetMetricHistoryAsync(outcome.RunId, "lightgbm.loss.cv_validation");
        var report = await File.ReadAllTextAsync(outcome.ReportPath);
        if (selection == "cv")
        {
            Assert.Equal(Enumerable.Range(1, 300), inner.Select(p => (int)p.Step));
            Assert.Contains($"cv mean log_loss: the mean of the 5 folds&#39; inner validation curves (every round), which chose the {trained} rounds", report);
        }
        else
        {
            Assert.Empty(inner);
            Assert.DoesNotContain("cv mean log_loss", report);
        }
    }
}
