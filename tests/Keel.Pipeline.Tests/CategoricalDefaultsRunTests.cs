using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Keel.Tracking;

namespace Keel.Pipeline.Tests;

/// <summary>A run fixes LightGBM's row-count-dependent categorical limits once, from its training rows (train + validation).</summary>
public sealed class CategoricalDefaultsRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-catdefaults-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // A binary set with a 300-value categorical column that drives the label, plus a numeric noise column.
    private string Codes(int rows)
    {
        var path = Path.Combine(_dir, $"codes-{rows}.csv");
        var rng = new Random(5);
        var effect = Enumerable.Range(0, 300).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        File.WriteAllLines(path, new[] { "code,noise,y" }.Concat(Enumerable.Range(0, rows).Select(_ =>
        {
            var k = rng.Next(effect.Length);
            var y = rng.NextDouble() < 1 / (1 + Math.Exp(-effect[k])) ? "yes" : "no";
            return string.Create(CultureInfo.InvariantCulture, $"c{k},{rng.NextDouble():R},{y}");
        })));
        return path;
    }

    private async Task<(IReadOnlyDictionary<string, string> Params, IReadOnlyDictionary<string, string> Header)> RunAsync(int rows, string options)
    {
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"experiment: catdefaults\ndata: {{path: {Codes(rows)}, label: y}}\nseed: 3\n"
            + $"models: [{{type: lightgbm, options: {{number_of_iterations: 3, number_of_threads: 1{options}}}}}]\n"
            + "split: {selection: validation, refit: false}\n");
        var run = RunPreparation.Prepare(spec, null);
        await using var store = await KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(_dir, "store") });

        var outcome = await new RunPipeline(store, TimeProvider.System, new Progress<PipelineProgress>(), "test")
            .ExecuteAsync(run, id => Path.Combine(_dir, id + ".html"), CancellationToken.None);

        var stored = (await store.Tracking.GetRunAsync(outcome.RunId))!;
        var package = await store.ReadArtifactAsync(outcome.RunId, "models/lightgbm.keelmodel");
        using var zip = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read);
        using var manifest = zip.GetEntry("manifest.json")!.Open();
        var header = JsonDocument.Parse(manifest).RootElement.GetProperty("effective_params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        return (stored.Params, header);
    }

    private static readonly string[] Limits =
        ["maximum_categorical_split_point_count", "categorical_smoothing", "categorical_l2_regularization", "minimum_example_count_per_group"];

    [Fact]
    public async Task ExecuteAsync_TrainPlusValidationFromLargeSetRows_ParamsAndModelShowLargeSetLimitsAndGivenOneWins()
    {
        // 130,000 rows: 104,000 train + validation (from the threshold on), but the candidate fits on its 83,200 train rows alone.
        var (parameters, header) = await RunAsync(130_000, ", categorical_smoothing: 5");

        Assert.Equal(["64", "5", "1", "10"], Limits.Select(o => parameters[$"lightgbm.{o}"]));
        Assert.Equal(["64", "5", "1", "10"], Limits.Select(o => header[o]));
    }

    [Fact]
    public async Task ExecuteAsync_SmallSet_ParamsAndModelShowLightGbmLimits()
    {
        var (parameters, header) = await RunAsync(2_000, "");

        Assert.Equal(["32", "10", "10", "100"], Limits.Select(o => parameters[$"lightgbm.{o}"]));
        Assert.Equal(["32", "10", "10", "100"], Limits.Select(o => header[o]));
    }
}
