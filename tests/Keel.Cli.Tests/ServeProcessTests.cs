using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Keel.Core.PredictionLog;
using Keel.Tracking.PredictionLog;

namespace Keel.Cli.Tests;

/// <summary>`keel serve` and `keel predict` as real processes on a real store.</summary>
public sealed class ServeProcessTests : IDisposable
{
    private const string Spec = """
        data: {path: credit_data.csv, label: Status, positive_class: good}
        models: [zero_rule, linear]
        register: {name: credit-risk, alias: champion}
        seed: 5
        """;

    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task TrainAsync()
    {
        _h.CopySample("credit_data.csv");
        _h.Write("keel.yaml", Spec);
        var run = await _h.RunAsync("run", "keel.yaml");
        Assert.True(run.Exit == 0, run.Error);
    }

    private static Task<(Process Process, Uri Address)> StartServerAsync(string folder) =>
        StartServerAsync(folder, "serve", "--port", "0", "--model", "credit-risk@champion");

    /// <summary>Starts `keel ARGS` (a serve command) and waits for the address it listens on.</summary>
    internal static async Task<(Process Process, Uri Address)> StartServerAsync(string folder, params string[] args)
    {
        var p = KeelProcess.Start(folder, "dotnet", [KeelProcess.Dll, .. args]);
        while (await p.StandardOutput.ReadLineAsync() is { } line)
        {
            var at = line.IndexOf("Listening on ", StringComparison.Ordinal);
            if (at >= 0) return (p, new Uri(line[(at + 13)..].Split(' ')[0]));
        }
        throw new InvalidOperationException("keel serve exited: " + await p.StandardError.ReadToEndAsync());
    }

    [Fact]
    public async Task Serve_KilledWithSigkillUnderLoad_LogAndStoreReadableAndServerRestarts()
    {
        await TrainAsync();
        var csv = string.Join("\n", File.ReadAllLines(Path.Combine(_h.Folder, "credit_data.csv")).Take(3)) + "\n";
        var (server, address) = await StartServerAsync(_h.Folder);
        var answered = 0;
        using (var client = new HttpClient { BaseAddress = address })
        {
            async Task Load()
            {
                while (true)
                {
                    try
                    {
                        using var r = await client.PostAsync("invocations", new StringContent(csv, Encoding.UTF8, "text/csv"));
                        if (r.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref answered);
                    }
                    catch (HttpRequestException)
                    {
                        return; // the server is gone
                    }
                }
            }
            var load = Enumerable.Range(0, 4).Select(_ => Task.Run(Load)).ToArray();
            while (Volatile.Read(ref answered) < 300) await Task.Delay(5);
            server.Kill(); // SIGKILL: no graceful stop, the queue in memory is lost
            await server.WaitForExitAsync();
            await Task.WhenAll(load);
        }
        server.Dispose();

        // The log is a consistent SQLite file: what was committed is readable, every record whole, never more than was answered.
        await using (var log = await PredictionLogStores.OpenSqliteAsync(Path.Combine(_h.StoreFolder, "predictions.db")))
        {
            var logged = await log.ListAsync(new PredictionQuery { Model = "credit-risk", Limit = 1_000_000 });
            Assert.InRange(logged.Count, 0, answered);
            Assert.All(logged, l =>
            {
                Assert.Equal(2, JsonDocument.Parse(l.Prediction.InputsJson).RootElement.GetArrayLength());
                Assert.Equal(2, JsonDocument.Parse(l.Prediction.OutputsJson).RootElement.GetArrayLength());
            });
            Assert.Equal(logged.Count, logged.Select(l => l.Prediction.RequestId).Distinct().Count());
        }
        Assert.Equal(0, (await _h.RunAsync("models", "show", "credit-risk")).Exit);

        // It starts again on the same store and logs on.
        var (again, address2) = await StartServerAsync(_h.Folder);
        try
        {
            using var client = new HttpClient { BaseAddress = address2 };
            using var r = await client.PostAsync("invocations", new StringContent(csv, Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        finally
        {
            again.Kill();
            await again.WaitForExitAsync();
            again.Dispose();
        }
    }

    [Fact]
    public async Task ServeDeployment_CliPromoteThenRollback_RunningServerMovesTrafficEachTime()
    {
        await TrainAsync();
        _h.Write("keel.deploy.yaml", """
            endpoint: credit
            champion: credit-risk@champion
            challenger: credit-risk:1
            strategy: blue_green
            """);
        var csv = string.Join("\n", File.ReadAllLines(Path.Combine(_h.Folder, "credit_data.csv")).Take(2)) + "\n";
        var (server, address) = await StartServerAsync(_h.Folder, "serve", "--port", "0", "--deployment", "keel.deploy.yaml", "--poll-seconds", "0.1");
        try
        {
            using var client = new HttpClient { BaseAddress = address };
            async Task<string> ArmAsync()
            {
                using var r = await client.PostAsync("invocations", new StringContent(csv, Encoding.UTF8, "text/csv"));
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                return r.Headers.GetValues("Keel-Arm").Single();
            }
            // Waits (not a timing assertion) for the server's next poll of the store.
            async Task UntilArmAsync(string arm)
            {
                for (var i = 0; i < 2000 && await ArmAsync() != arm; i++) await Task.Delay(10);
                Assert.Equal(arm, await ArmAsync());
            }
            Assert.Equal("champion", await ArmAsync());
            Assert.Equal(0, (await _h.RunAsync("deployments", "promote", "credit", "--reason", "ready")).Exit);
            await UntilArmAsync("challenger");
            Assert.Equal(0, (await _h.RunAsync("deployments", "rollback", "credit")).Exit);
            await UntilArmAsync("champion");
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
            server.Dispose();
        }
    }

    [Fact]
    public async Task Predict_CsvToJsonLines_WritesEveryRowAndReportsProgress()
    {
        await TrainAsync();
        var result = await _h.RunAsync("predict", "--model", "credit-risk@champion", "--input", "credit_data.csv", "--output", "scored.jsonl", "--chunk-rows", "1000");
        Assert.True(result.Exit == 0, result.Error);
        Assert.Contains("4,454 rows predicted", result.Error, StringComparison.Ordinal);
        var lines = File.ReadAllLines(Path.Combine(_h.Folder, "scored.jsonl"));
        Assert.Equal(4454, lines.Length);
        Assert.Equal(4453, JsonDocument.Parse(lines[^1]).RootElement.GetProperty("row").GetInt64());
    }

    [Fact]
    public async Task Serve_NonLoopbackHostWithoutTokens_Exit1NamingTheHostAndHowToCreateOne()
    {
        await TrainAsync();
        var result = await _h.RunAsync("serve", "--host", "0.0.0.0", "--port", "0");
        Assert.Equal(1, result.Exit);
        Assert.Contains("--host '0.0.0.0'", result.Error, StringComparison.Ordinal);
        Assert.Contains("keel tokens create", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_UnknownAlias_Exit1NamingAliases()
    {
        await TrainAsync();
        var result = await _h.RunAsync("predict", "--model", "credit-risk@prod", "--input", "credit_data.csv", "--output", "out.csv");
        Assert.Equal(1, result.Exit);
        Assert.Contains("has no alias 'prod'; its aliases: champion", result.Error, StringComparison.Ordinal);
    }
}
