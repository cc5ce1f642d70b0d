using Keel.Core;
using Keel.Core.Tracking;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>Behaviour every <see cref="ITrackingStore"/> backend must show. Subclass it with a factory for the backend.</summary>
public abstract partial class TrackingStoreContract : StoreContract<ITrackingStore>
{
    private static readonly Dictionary<string, string> NoTags = [];

    protected ITrackingStore Store => Subject;

    protected async Task<Run> NewRunAsync(string name = "run", string experiment = "exp", DateTimeOffset? start = null, IReadOnlyDictionary<string, string>? tags = null)
    {
        var e = await Store.GetOrCreateExperimentAsync(experiment);
        return await Store.CreateRunAsync(e.Id, name, start ?? T0, tags ?? NoTags);
    }

    protected static MetricPoint Point(string key, double value, long step = 0, int second = 0) => new(key, value, step, T0.AddSeconds(second));

    [Fact]
    public async Task GetOrCreateExperiment_SameNameTwice_ReturnsSameExperiment()
    {
        var a = await Store.GetOrCreateExperimentAsync("credit");
        Time.Advance(TimeSpan.FromMinutes(1));
        var b = await Store.GetOrCreateExperimentAsync("credit");
        Assert.Equal(a, b);
        Assert.Matches("^[0-9a-f]{32}$", a.Id);
        Assert.Equal(T0, a.CreatedAt);
        Assert.Equal(a, await Store.FindExperimentAsync("credit"));
    }

    [Fact]
    public async Task FindExperiment_UnknownName_ReturnsNull() =>
        Assert.Null(await Store.FindExperimentAsync("nope"));

    [Fact]
    public async Task GetOrCreateExperiment_EmptyName_ThrowsInput() =>
        await Assert.ThrowsAsync<KeelInputException>(() => Store.GetOrCreateExperimentAsync(" "));

    [Fact]
    public async Task ListExperiments_CreatedAtDifferentTimes_OldestFirst()
    {
        await Store.GetOrCreateExperimentAsync("b");
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.GetOrCreateExperimentAsync("a");
        Assert.Equal(["b", "a"], (await Store.ListExperimentsAsync()).Select(e => e.Name));
    }

    [Fact]
    public async Task CreateRun_WithTags_ReturnsRunningRunWithRandomHexId()
    {
        var run = await NewRunAsync("first", tags: new Dictionary<string, string> { ["owner"] = "ann" });
        var other = await NewRunAsync("second");
        Assert.Matches("^[0-9a-f]{32}$", run.Id);
        Assert.NotEqual(run.Id, other.Id);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Null(run.EndTime);
        Assert.Equal("ann", run.Tags["owner"]);
        Assert.Equal(run.Tags, (await Store.GetRunAsync(run.Id))!.Tags);
    }

    [Fact]
    public async Task CreateRun_UnknownExperiment_ThrowsNotFound() =>
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Store.CreateRunAsync(new string('a', 32), "x", T0, NoTags));

    [Fact]
    public async Task LogBatch_ParamsMetricsTags_VisibleOnRun()
    {
        var run = await NewRunAsync();
        await Store.LogBatchAsync(run.Id, new LogBatch
        {
            Params = new Dictionary<string, string> { ["lr"] = "0.1" },
            Metrics = [Point("auc", 0.9)],
            Tags = new Dictionary<string, string> { ["stage"] = "train" },
        });
        var got = (await Store.GetRunAsync(run.Id))!;
        Assert.Equal("0.1", got.Params["lr"]);
        Assert.Equal(0.9, got.Metrics["auc"]);
        Assert.Equal("train", got.Tags["stage"]);
    }

    [Fact]
    public async Task LogBatch_SameParamValueAgain_IsAccepted()
    {
        var run = await NewRunAsync();
        var batch = new LogBatch { Params = new Dictionary<string, string> { ["lr"] = "0.1" } };
        await Store.LogBatchAsync(run.Id, batch);
        await Store.LogBatchAsync(run.Id, batch);
        Assert.Equal("0.1", (await Store.GetRunAsync(run.Id))!.Params["lr"]);
    }

    [Fact]
    public async Task LogBatch_ParamChanged_ThrowsAndStoresNothingOfTheBatch()
    {
        var run = await NewRunAsync();
        await Store.LogBatchAsync(run.Id, new LogBatch { Params = new Dictionary<string, string> { ["lr"] = "0.1" } });
        var bad = new LogBatch
        {
            Params = new Dictionary<string, string> { ["depth"] = "3", ["lr"] = "0.2" },
            Metrics = [Point("auc", 0.5)],
            Tags = new Dictionary<string, string> { ["t"] = "v" },
        };
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.LogBatchAsync(run.Id, bad));
        Assert.Contains("lr", e.Message);
        var got = (await Store.GetRunAsync(run.Id))!;
        Assert.Equal(new Dictionary<string, string> { ["lr"] = "0.1" }, got.Params);
        Assert.Empty(got.Metrics);
        Assert.Empty(got.Tags);
        Assert.Empty(await Store.GetMetricHistoryAsync(run.Id, "auc"));
    }

    [Fact]
    public async Task LogBatch_SameKeyTwice_StoredOnce()
    {
        var run = await NewRunAsync();
        var batch = new LogBatch { Metrics = [Point("loss", 0.5, step: 1)], IdempotencyKey = "k-1" };
        await Store.LogBatchAsync(run.Id, batch);
        await Store.LogBatchAsync(run.Id, batch);
        await Store.LogBatchAsync(run.Id, batch with { IdempotencyKey = "k-2" });
        await Store.LogBatchAsync(run.Id, batch with { IdempotencyKey = null });
        Assert.Equal(3, (await Store.GetMetricHistoryAsync(run.Id, "loss")).Count);
        // Keys belong to their run: another run's batch with the same key is stored.
        var other = await NewRunAsync();
        await Store.LogBatchAsync(other.Id, batch);
        Assert.Single(await Store.GetMetricHistoryAsync(other.Id, "loss"));
    }

    [Fact]
    public async Task LogBatch_KeyOfAFailedBatch_IsNotSpent()
    {
        var run = await NewRunAsync();
        await Store.LogBatchAsync(run.Id, new LogBatch { Params = new Dictionary<string, string> { ["lr"] = "0.1" } });
        var bad = new LogBatch { Params = new Dictionary<string, string> { ["lr"] = "0.2" }, Metrics = [Point("loss", 0.5)], IdempotencyKey = "k" };
        await Assert.ThrowsAsync<KeelInputException>(() => Store.LogBatchAsync(run.Id, bad));
        await Store.LogBatchAsync(run.Id, bad with { Params = new Dictionary<string, string>() });
        Assert.Single(await Store.GetMetricHistoryAsync(run.Id, "loss"));
    }

    [Fact]
    public async Task LogBatch_KeyTooLong_ThrowsInputNamingIt()
    {
        var run = await NewRunAsync();
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.LogBatchAsync(run.Id, new LogBatch { IdempotencyKey = new string('k', 201) }));
        Assert.Contains("batch key", e.Message);
    }

    [Fact]
    public async Task LogBatch_NullParamValue_ThrowsInputNamingKey()
    {
        var run = await NewRunAsync();
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.LogBatchAsync(run.Id, new LogBatch { Params = new Dictionary<string, string> { ["lr"] = null! } }));
        Assert.Contains("'lr'", e.Message);
        Assert.Empty((await Store.GetRunAsync(run.Id))!.Params);
    }

    [Fact]
    public async Task LogBatch_UnknownRun_ThrowsNotFound() =>
        await Assert.ThrowsAsync<KeelNotFoundException>(() => Store.LogBatchAsync(new string('b', 32), new LogBatch()));

    [Fact]
    public async Task Metrics_SeveralPoints_RunShowsHighestStepThenLatestTime()
    {
        var run = await NewRunAsync();
        await Store.LogBatchAsync(run.Id, new LogBatch { Metrics = [Point("loss", 0.5, step: 3, second: 1), Point("loss", 0.9, step: 1, second: 5)] });
        await Store.LogBatchAsync(run.Id, new LogBatch { Metrics = [Point("loss", 0.4, step: 3, second: 2), Point("loss", 0.7, step: 2, second: 9)] });
        Assert.Equal(0.4, (await Store.GetRunAsync(run.Id))!.Metrics["loss"]);
        var history = await Store.GetMetricHistoryAsync(run.Id, "loss");
        Assert.Equal([1L, 2L, 3L, 3L], history.Select(p => p.Step));
        Assert.Equal([0.9, 0.7, 0.5, 0.4], history.Select(p => p.Value));
    }

    [Fact]
    public async Task SummarizeMetrics_TwoRunsChosenKeys_LastMinMaxCountPerRunAndKey()
    {
        var a = await NewRunAsync("a");
        var b = await NewRunAsync("b");
        await Store.LogBatchAsync(a.Id, new LogBatch { Metrics = [Point("loss", 0.9, step: 1), Point("loss", 0.2, step: 2), Point("loss", 0.5, step: 3), Point("auc", 0.8), Point("other", 1)] });
        await Store.LogBatchAsync(b.Id, new LogBatch { Metrics = [Point("loss", 0.7, step: 5)] });
        var got = await Store.SummarizeMetricsAsync([a.Id, b.Id, "0123456789abcdef0123456789abcdef"], ["loss", "auc", "missing"]);
        var byKey = got.ToDictionary(s => (s.RunId, s.Key));
        Assert.Equal(3, got.Count);
        Assert.Equal(new MetricSummary(a.Id, "loss", 0.5, 3, 0.2, 0.9, 3), byKey[(a.Id, "loss")]);
        Assert.Equal(new MetricSummary(a.Id, "auc", 0.8, 0, 0.8, 0.8, 1), byKey[(a.Id, "auc")]);
        Assert.Equal(new MetricSummary(b.Id, "loss", 0.7, 5, 0.7, 0.7, 1), byKey[(b.Id, "loss")]);
        Assert.Equal(4, (await Store.SummarizeMetricsAsync([a.Id, b.Id], [])).Count);
    }

    [Fact]
    public async Task LogBatch_ThousandPointsThreeKeys_HistoryInOrderAndLatestPerKey()
    {
        // More points than one multi-row statement holds, keys interleaved, steps descending for one key.
        var run = await NewRunAsync();
        var points = Enumerable.Range(0, 1000).Select(i => (i % 3) switch
        {
            0 => Point("a", i, step: i, second: 1),
            1 => Point("b", i, step: 1000 - i, second: 1),
            _ => Point("c", double.NaN, step: 7, second: i % 60),
        }).ToArray();
        await Store.LogBatchAsync(run.Id, new LogBatch { Metrics = points });
        var got = (await Store.GetRunAsync(run.Id))!;
        Assert.Equal(999.0, got.Metrics["a"]);
        Assert.Equal(1.0, got.Metrics["b"]);
        Assert.True(double.IsNaN(got.Metrics["c"]));
        Assert.Equal(334, (await Store.GetMetricHistoryAsync(run.Id, "a")).Count);
        Assert.Equal(Enumerable.Range(0, 333).Select(i => 1000L - (3 * (332 - i) + 1)), (await Store.GetMetricHistoryAsync(run.Id, "b")).Select(p => p.Step));
    }

    [Fact]
    public async Task Timestamps_TickPrecisionAndOffset_RoundTripExactly()
    {
        var start = new DateTimeOffset(2026, 3, 1, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        var run = await NewRunAsync(start: start);
        var at = start.AddTicks(1);
        await Store.LogBatchAsync(run.Id, new LogBatch { Metrics = [new MetricPoint("m", 1, 0, at)] });
        await Store.SetRunStatusAsync(run.Id, RunStatus.Finished, at.AddTicks(1));
        var got = (await Store.GetRunAsync(run.Id))!;
        Assert.Equal(start.UtcTicks, got.StartTime.UtcTicks);
        Assert.Equal(at.AddTicks(1).UtcTicks, got.EndTime!.Value.UtcTicks);
        Assert.Equal(at.UtcTicks, (await Store.GetMetricHistoryAsync(run.Id, "m"))[0].Timestamp.UtcTicks);
    }

    [Theory]
    [InlineData(RunStatus.Finished)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Killed)]
    public async Task SetRunStatus_FromRunning_SetsStatusAndEndTime(RunStatus status)
    {
        var run = await NewRunAsync();
        await Store.SetRunStatusAsync(run.Id, status, T0.AddMinutes(5));
        var got = (await Store.GetRunAsync(run.Id))!;
        Assert.Equal(status, got.Status);
        Assert.Equal(T0.AddMinutes(5), got.EndTime);
    }

    [Theory]
    [InlineData(RunStatus.Finished, RunStatus.Failed)]
    [InlineData(RunStatus.Failed, RunStatus.Finished)]
    [InlineData(RunStatus.Killed, RunStatus.Killed)]
    [InlineData(RunStatus.Finished, RunStatus.Running)]
    public async Task SetRunStatus_FromFinalStatus_ThrowsInputAndKeepsStatus(RunStatus first, RunStatus second)
    {
        var run = await NewRunAsync();
        await Store.SetRunStatusAsync(run.Id, first, T0.AddMinutes(1));
        await Assert.ThrowsAsync<KeelInputException>(() => Store.SetRunStatusAsync(run.Id, second, T0.AddMinutes(2)));
        var got = (await Store.GetRunAsync(run.Id))!;
        Assert.Equal(first, got.Status);
        Assert.Equal(T0.AddMinutes(1), got.EndTime);
    }

    [Fact]
    public async Task SetRunStatus_RunningToRunning_ThrowsInput()
    {
        var run = await NewRunAsync();
        await Assert.ThrowsAsync<KeelInputException>(() => Store.SetRunStatusAsync(run.Id, RunStatus.Running, T0));
    }

    [Fact]
    public async Task GetRun_UniquePrefixOfSixOrMore_FindsRun()
    {
        var run = await NewRunAsync();
        await NewRunAsync("other");
        Assert.Equal(run.Id, (await Store.GetRunAsync(run.Id[..6]))!.Id);
        Assert.Equal(run.Id, (await Store.GetRunAsync(run.Id[..20].ToUpperInvariant()))!.Id);
    }

    [Fact]
    public async Task GetRun_UnknownIdOrPrefix_ReturnsNull()
    {
        var run = await NewRunAsync();
        var missing = run.Id[0] == 'f' ? "0000000" : "fffffff";
        Assert.Null(await Store.GetRunAsync(missing));
        Assert.Null(await Store.GetRunAsync("not-a-run-id"));
    }

    [Fact]
    public async Task GetRun_PrefixShorterThanSix_ThrowsInput()
    {
        var run = await NewRunAsync();
        var e = await Assert.ThrowsAsync<KeelInputException>(() => Store.GetRunAsync(run.Id[..5]));
        Assert.Contains("6", e.Message);
    }

    [Fact]
    public async Task GetRun_ReturnedSnapshot_IsACopy()
    {
        var run = await NewRunAsync(tags: new Dictionary<string, string> { ["a"] = "1" });
        await Store.LogBatchAsync(run.Id, new LogBatch { Params = new Dictionary<string, string> { ["p"] = "1" }, Metrics = [Point("m", 1)] });
        var first = (await Store.GetRunAsync(run.Id))!;
        if (first.Tags is IDictionary<string, string> { IsReadOnly: false } tags) tags["a"] = "changed";
        if (first.Params is IDictionary<string, string> { IsReadOnly: false } ps) ps["q"] = "2";
        await Store.LogBatchAsync(run.Id, new LogBatch { Metrics = [Point("m", 2, step: 1)] });
        var second = (await Store.GetRunAsync(run.Id))!;
        Assert.Equal("1", second.Tags["a"]);
        Assert.False(second.Params.ContainsKey("q"));
        Assert.Equal(2, second.Metrics["m"]);
        Assert.Equal(1, first.Metrics["m"]);
    }
}
