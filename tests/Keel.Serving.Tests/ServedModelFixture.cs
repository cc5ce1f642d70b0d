using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Keel.Core.Registry;
using Keel.Pipeline;
using Keel.Pipeline.Predict;
using Keel.Serving.Hosting;
using Keel.Tracking;
using Keel.Tracking.PredictionLog;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Serving.Tests;

/// <summary>
/// A real store with credit_data trained and registered once (credit-risk@champion, LightGBM), and a real Kestrel server on
/// 127.0.0.1 with a free port, a prediction log beside keel.db and a fake clock for alias polling.
/// </summary>
public sealed class ServedModelFixture : IAsyncLifetime
{
    public const string Spec = """
        experiment: serving-tests
        data:
          path: credit_data.csv
          label: Status
          positive_class: good
        models:
          - zero_rule
          - type: lightgbm
            options: {number_of_iterations: 30}
        register:
          name: credit-risk
          alias: champion
        seed: 7
        """;

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "keel-serving-" + Guid.NewGuid().ToString("N")[..12]);
    public KeelStore Store { get; private set; } = null!;
    public ServingHost Server { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2026-11-20T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    public ModelVersion Champion { get; private set; } = null!;
    public string RunId { get; private set; } = null!;
    public string CsvPath => Path.Combine(Folder, "credit_data.csv");
    public string PredictionLogPath => PredictionLogStores.BesideDatabase(Store.DatabasePath);

    public static string RepoRoot { get; } = FindRoot();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        File.Copy(Path.Combine(RepoRoot, "samples", "credit_data.csv"), CsvPath);
        var specPath = Path.Combine(Folder, "keel.yaml");
        await File.WriteAllTextAsync(specPath, Spec);
        Store = await KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(Folder, ".keel"), BaseDirectory = Folder, Time = TimeProvider.System });
        var prepared = RunPreparation.Prepare(specPath, null);
        var outcome = await new RunPipeline(Store, TimeProvider.System, new Progress<PipelineProgress>(), "tester")
            .ExecuteAsync(prepared, id => Path.Combine(Folder, id + ".html"), CancellationToken.None);
        Champion = (await Store.Registry.GetByAliasAsync("credit-risk", "champion"))!;
        RunId = Champion.SourceRunId;
        Server = await StartAsync(new ServeOptions { Port = 0, PredictionLogPath = PredictionLogPath, PredictionLogBatch = 50 });
        Client = new HttpClient { BaseAddress = Server.Address };
        _ = outcome;
    }

    /// <summary>Starts another server on this store (port 0, fake clock); credit-risk@champion unless models are named.</summary>
    public Task<ServingHost> StartAsync(ServeOptions options) => ServingHost.StartAsync(
        options with { Port = 0, Models = options.Models.Count > 0 ? options.Models : [ModelReference.Parse("credit-risk@champion")] },
        Store.Registry, Store.Artifacts, Clock);

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still held open stays in the temp folder.
        }
    }

    /// <summary>POSTs <paramref name="body"/> with a content type to <paramref name="path"/>.</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return client.PostAsync(path, content);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>A few data rows of credit_data as CSV text with the header (label column included; the server ignores it).</summary>
    public string CsvRows(IEnumerable<int> rows)
    {
        var lines = File.ReadAllLines(CsvPath);
        return string.Join("\n", new[] { lines[0] }.Concat(rows.Select(r => lines[r + 1]))) + "\n";
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("Keel.slnx not found above the test folder.");
    }
}

[CollectionDefinition(Name)]
public sealed class ServedModelCollection : ICollectionFixture<ServedModelFixture>
{
    public const string Name = "served credit-risk";
}
