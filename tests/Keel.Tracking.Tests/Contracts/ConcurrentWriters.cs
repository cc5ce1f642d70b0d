using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>
/// Concurrency checks run against every backend: eight independently opened stores (each with its own connection pool, as eight
/// processes would have) write at once; nothing may be lost and version numbers must stay unique and gap-free.
/// </summary>
public static class ConcurrentWriters
{
    /// <summary>Eight writers each log 1,000 points of one metric to their own run, in batches of 50, all at once.</summary>
    public static async Task LogMetricsAsync(Func<Task<KeelStore>> open)
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => open()));
        var t0 = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var experiment = await stores[0].Tracking.GetOrCreateExperimentAsync("concurrent");
        var runs = new string[8];
        await Task.WhenAll(stores.Select((s, w) => Task.Run(async () =>
        {
            runs[w] = (await s.Tracking.CreateRunAsync(experiment.Id, $"writer-{w}", t0, new Dictionary<string, string>())).Id;
            for (var b = 0; b < 20; b++)
            {
                var points = Enumerable.Range(b * 50, 50).Select(i => new MetricPoint("loss", 1.0 / (i + 1), i, t0.AddMilliseconds(i))).ToArray();
                await s.Tracking.LogBatchAsync(runs[w], new LogBatch { Metrics = points });
            }
        })));
        foreach (var run in runs)
        {
            var history = await stores[0].Tracking.GetMetricHistoryAsync(run, "loss");
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), history.Select(p => p.Step));
        }
        foreach (var s in stores) await s.DisposeAsync();
    }

    /// <summary>Eight writers register four versions each of one model at once: numbers 1..32, each once.</summary>
    public static async Task RegisterAsync(Func<Task<KeelStore>> open)
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => open()));
        var versions = await Task.WhenAll(stores.SelectMany((s, w) => Enumerable.Range(0, 4).Select(i => Task.Run(() => s.Registry.RegisterAsync(new ModelVersion
        {
            Name = "credit", SourceRunId = $"run{w}{i}", ModelSha256 = new string('a', 64), Candidate = "lightgbm", Task = "binary",
            SchemaJson = """{"columns":[]}""", DataSha256 = new string('b', 64),
        })))));
        Assert.Equal(Enumerable.Range(1, 32), versions.Select(v => v.Version).Order());
        Assert.Equal(32, (await stores[0].Registry.ListVersionsAsync("credit")).Count);
        foreach (var s in stores) await s.DisposeAsync();
    }
}
