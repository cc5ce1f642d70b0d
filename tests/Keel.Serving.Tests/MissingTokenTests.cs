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
/// A run whose spec reads "?" as missing (data.missing) registers a model that carries the token: the server (real Kestrel)
/// and `keel predict` read "?" as missing too, exactly as an empty value, instead of rejecting it as a bad number.
/// </summary>
public sealed class MissingTokenTests : IAsyncLifetime
{
    private const string Spec = """
        experiment: missing-tokens
        data:
          path: data.csv
          label: y
          missing: ["?"]
        models:
          - type: lightgbm
            options: {number_of_iterations: 20}
        register:
          name: qmark
          alias: champion
        seed: 3
        """;

    private RegisteredRun _run = null!;

    public async Task InitializeAsync() => _run = await RegisteredRun.CreateAsync("keel-missing-", Spec, folder =>
    {
        var csv = new StringBuilder("x,color,y\n");
        string[] colors = ["red", "green", "blue"];
        for (var i = 0; i < 240; i++)
        {
            var x = i % 23 * 1.5;
            var missing = i % 8 == 0;
            var y = missing ? "yes" : x > 15 ? "yes" : "no";
            csv.Append(missing ? "?" : x.ToString(CultureInfo.InvariantCulture)).Append(',').Append(colors[i % 3]).Append(',').Append(y).Append('\n');
        }
        return File.WriteAllTextAsync(Path.Combine(folder, "data.csv"), csv.ToString());
    });

    public Task DisposeAsync() => _run.DisposeAsync().AsTask();

    [Fact]
    public async Task Serve_SpecMissingTokenInRequest_ReadAsMissingLikeAnEmptyValue()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T10:00:00Z", CultureInfo.InvariantCulture));
        await using var server = await ServingHost.StartAsync(
            new ServeOptions { Port = 0, Models = [ModelReference.Parse("qmark@champion")] }, _run.Store.Registry, _run.Store.Artifacts, clock);
        using var client = new HttpClient { BaseAddress = server.Address };

        var csv = await ServedModelFixture.PostAsync(client, "invocations", "x,color\n?,red\n,red\n3,red\n", "text/csv");
        var json = await ServedModelFixture.PostAsync(client, "invocations",
            """{"dataframe_records": [{"x": "?", "color": "red"}, {"x": null, "color": "red"}]}""");

        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var fromCsv = (await ServedModelFixture.JsonAsync(csv)).GetProperty("predictions");
        var fromJson = (await ServedModelFixture.JsonAsync(json)).GetProperty("predictions");
        Assert.Equal(fromCsv[1].GetRawText(), fromCsv[0].GetRawText());
        Assert.Equal(fromCsv[1].GetRawText(), fromJson[0].GetRawText());
        Assert.Equal(fromCsv[1].GetRawText(), fromJson[1].GetRawText());
        Assert.Equal("yes", fromCsv[0].GetProperty("label").GetString());
        Assert.Equal("no", fromCsv[2].GetProperty("label").GetString());
    }

    [Fact]
    public async Task Predict_SpecMissingTokenInFile_ReadAsMissingLikeAnEmptyValue()
    {
        var version = await ModelLoader.ResolveAsync(_run.Store.Registry, ModelReference.Parse("qmark@champion"));
        var model = await ModelLoader.LoadAsync(_run.Store.Artifacts, version);
        var input = Path.Combine(_run.Folder, "batch.csv");
        await File.WriteAllTextAsync(input, "x,color\n?,red\n,red\n3,red\n");
        var output = Path.Combine(_run.Folder, "batch-out.csv");

        await BatchPredictor.RunAsync(model, new BatchPredictOptions { Input = input, Output = output }, null, CancellationToken.None);

        Assert.Contains("?", model.MissingTokens);
        var written = TableReader.Read(output, new ReadOptions()).Table;
        Assert.Equal(3, written.RowCount);
        foreach (var column in written.Columns.Where(c => c.Name != "row"))
            Assert.Equal(column.Format(1), column.Format(0));
        Assert.Equal("yes", written["predicted"].Format(0));
        Assert.Equal("no", written["predicted"].Format(2));
    }
}
