using System.Net;
using System.Security.Cryptography;
using Keel.Core;
using Keel.Pipeline.Predict;
using Keel.Serving.Hosting;
using Keel.Tracking;
using Keel.Tracking.PredictionLog;
using Parquet;
using Parquet.Schema;

namespace Keel.Serving.Tests;

[Collection(ServedModelCollection.Name)]
public sealed class ModelLifecycleTests(ServedModelFixture f)
{
    [Fact]
    public async Task Start_TamperedModelFile_RefusedNamingModelAndBothHashes()
    {
        var real = await f.Store.Artifacts.OpenReadAsync(f.Champion.ModelSha256).ContinueWith(t => t.Result);
        byte[] bytes;
        await using (real)
        using (var m = new MemoryStream())
        {
            await real.CopyToAsync(m);
            bytes = m.ToArray();
        }
        // The registry records the hash of the original file; the artifact store holds other bytes under that name.
        var recorded = Convert.ToHexStringLower(SHA256.HashData([.. bytes, 0x20]));
        var onDisk = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var path = Path.Combine(f.Folder, ".keel", "artifacts", recorded[..2], recorded);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, bytes);
        await f.Store.Registry.RegisterAsync(f.Champion with { Name = "tampered", ModelSha256 = recorded });

        var e = await Assert.ThrowsAsync<KeelInputException>(() => f.StartAsync(new ServeOptions { Models = [ModelReference.Parse("tampered:1")] }));
        Assert.Contains("model 'tampered' version 1", e.Message, StringComparison.Ordinal);
        Assert.Contains(recorded, e.Message, StringComparison.Ordinal);
        Assert.Contains(onDisk, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_AliasMovesWhileRequestsRun_SwitchesWithoutAFailedRequest()
    {
        var v1 = await f.Store.Registry.RegisterAsync(f.Champion with { Name = "moving" });
        var v2 = await f.Store.Registry.RegisterAsync(f.Champion with { Name = "moving" });
        await f.Store.Registry.SetAliasAsync("moving", "live", v1.Version, "tester", null);
        await using var server = await f.StartAsync(new ServeOptions { Models = [ModelReference.Parse("moving@live")], AliasPollInterval = TimeSpan.FromSeconds(5) });
        using var client = new HttpClient { BaseAddress = server.Address };
        var body = f.CsvRows([5]);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(HttpStatusCode Status, int Version)>();
        using var stop = new CancellationTokenSource();
        async Task Load()
        {
            while (!stop.IsCancellationRequested)
            {
                using var r = await ServedModelFixture.PostAsync(client, "invocations", body, "text/csv");
                seen.Enqueue((r.StatusCode, int.Parse(r.Headers.GetValues("Keel-Model-Version").Single(), System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(Load)).ToArray();
        while (seen.Count < 20) await Task.Delay(10);

        await f.Store.Registry.SetAliasAsync("moving", "live", v2.Version, "tester", "test move");
        // Wait (not a timing assertion) until the fake clock's poll has swapped the version in.
        for (var i = 0; i < 3000 && server.Catalog.Current("moving")!.Version.Version != v2.Version; i++)
        {
            f.Clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(10);
        }
        var after = seen.Count;
        while (seen.Count < after + 20) await Task.Delay(10);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var all = seen.ToArray();
        Assert.All(all, s => Assert.Equal(HttpStatusCode.OK, s.Status));
        Assert.Contains(all, s => s.Version == v1.Version);
        Assert.Equal(v2.Version, all[^1].Version);
        Assert.Equal(v2.Version, server.Catalog.Current("moving")!.Version.Version);
    }

    [Fact]
    public async Task Serve_RunsTestRows_ExactlyThePredictionsTheRunStored()
    {
        var artifacts = await f.Store.Tracking.ListArtifactsAsync(f.RunId);
        var file = artifacts.Any(a => a.Path == "predictions/final.test.parquet") ? "predictions/final.test.parquet" : $"predictions/{f.Champion.Candidate}.test.parquet";
        var stored = await ReadPredictionsAsync(await f.Store.ReadArtifactAsync(f.RunId, file));

        // All rows in one request (one IDataView), then small requests (pooled prediction engines) and single rows.
        foreach (var size in new[] { stored.Rows.Length, 100, 1 })
        {
            for (var start = 0; start < (size == 1 ? 5 : stored.Rows.Length); start += size)
            {
                var rows = stored.Rows.Skip(start).Take(size).ToArray();
                var response = await ServedModelFixture.PostAsync(f.Client, "invocations", f.CsvRows(rows), "text/csv");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var predictions = (await ServedModelFixture.JsonAsync(response)).GetProperty("predictions");
                Assert.Equal(rows.Length, predictions.GetArrayLength());
                for (var i = 0; i < rows.Length; i++)
                {
                    Assert.Equal(stored.Predicted[start + i], predictions[i].GetProperty("label").GetString());
                    Assert.Equal(stored.PGood[start + i], predictions[i].GetProperty("probabilities").GetProperty("good").GetDouble());
                }
            }
        }
    }

    [Fact]
    public async Task Feedback_ForAnsweredRequest_JoinsItsLoggedPrediction()
    {
        var answer = await ServedModelFixture.PostAsync(f.Client, "invocations", f.CsvRows([0, 1]), "text/csv");
        var requestId = answer.Headers.GetValues("Keel-Request-Id").Single();
        // One outcome per row of the two-row request; null: the second row's outcome is not known.
        var feedback = await ServedModelFixture.PostAsync(f.Client, "feedback", $$"""{"request_id":"{{requestId}}","outcome":["bad",null]}""");
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        Assert.True((await ServedModelFixture.JsonAsync(feedback)).GetProperty("stored").GetBoolean());

        await using var log = await PredictionLogStores.OpenSqliteAsync(f.PredictionLogPath);
        Core.PredictionLog.LoggedPrediction? logged = null;
        for (var i = 0; i < 500 && logged is null; i++)
        {
            logged = await log.GetAsync(requestId);
            if (logged is not null) break;
            f.Clock.Advance(TimeSpan.FromMilliseconds(200)); // the writer's flush interval runs on the fake clock
            await Task.Delay(10);
        }
        Assert.NotNull(logged);
        Assert.Equal("credit-risk", logged.Prediction.Model);
        Assert.Equal(f.Champion.Version, logged.Prediction.Version);
        Assert.Equal("champion", logged.Prediction.Arm);
        Assert.Equal(2, logged.Prediction.Rows);
        Assert.Contains("\"Home\":\"rent\"", logged.Prediction.InputsJson, StringComparison.Ordinal);
        Assert.DoesNotContain("Status", logged.Prediction.InputsJson, StringComparison.Ordinal);
        Assert.Equal("[\"bad\",null]", Assert.Single(logged.Feedback).OutcomeJson);
        var joined = Keel.Monitoring.Performance.FeedbackJoin.Join([logged]);
        Assert.Equal((1, 1), (joined.Count, joined.Unlabelled));

        // Once the request is logged, a count of outcomes that is not its row count is refused, naming both.
        var scalar = await ServedModelFixture.PostAsync(f.Client, "feedback", $$"""{"request_id":"{{requestId}}","outcome":"bad"}""");
        Assert.Equal(HttpStatusCode.BadRequest, scalar.StatusCode);
        Assert.Contains("predicted 2 row(s), so its feedback needs 2 outcome(s)", (await ServedModelFixture.JsonAsync(scalar)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"outcome":"bad"}""", "application/json", 400)]
    [InlineData("""{"request_id":"x"}""", "application/json", 400)]
    [InlineData("""{"request_id":"x","outcome":{"a":1}}""", "application/json", 400)]
    [InlineData("""{"request_id":"x","outcome":[]}""", "application/json", 400)]
    [InlineData("""{"request_id":"x","outcome":[["bad"]]}""", "application/json", 400)]
    [InlineData("""{"request_id":""", "application/json", 400)]
    [InlineData("""{"request_id":"x","outcome":1}""", "text/plain", 415)]
    public async Task Feedback_Malformed_4xxJson(string body, string type, int status)
    {
        var response = await ServedModelFixture.PostAsync(f.Client, "feedback", body, type);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await ServedModelFixture.JsonAsync(response)).GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Start_NonLoopbackHost_RefusedNamingTheHost()
    {
        var e = await Assert.ThrowsAsync<KeelInputException>(() => ServingHost.StartAsync(new ServeOptions { Host = "0.0.0.0", Port = 0 }, f.Store.Registry, f.Store.Artifacts, f.Clock));
        Assert.Contains("'0.0.0.0'", e.Message, StringComparison.Ordinal);
    }

    internal sealed record StoredPredictions(int[] Rows, string[] Predicted, double[] PGood);

    internal static async Task<StoredPredictions> ReadPredictionsAsync(byte[] parquet)
    {
        using var stream = new MemoryStream(parquet);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields().ToDictionary(d => d.Name);
        var rows = new List<int>();
        var predicted = new List<string>();
        var good = new List<double>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = (int)group.RowCount;
            // Required columns through the non-nullable overload: Parquet.Net's nullable one reads uncleared pooled
            // definition levels for them (see ParquetTableReader.ReadValues).
            var r = new int[n];
            await group.ReadAsync<int>(fields["row"], r.AsMemory());
            var p = new string?[n];
            await group.ReadAsync(fields["predicted"], p.AsMemory());
            var q = new double[n];
            await group.ReadAsync<double>(fields["p_good"], q.AsMemory());
            rows.AddRange(r);
            predicted.AddRange(p.Select(v => v!));
            good.AddRange(q);
        }
        return new StoredPredictions([.. rows], [.. predicted], [.. good]);
    }
}
