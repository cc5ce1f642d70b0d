using Keel.Core.Tracking;

namespace Keel.Tracking.Tests;

public sealed class RunRecoveryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    private readonly StoreScope _scope = new();
    private readonly FakeTimeProvider _time = new(T0);
    private ITrackingStore _store = null!;
    private string _experimentId = "";

    public async Task InitializeAsync()
    {
        _store = (await _scope.OpenAsync(_time)).Tracking;
        _experimentId = (await _store.GetOrCreateExperimentAsync("exp")).Id;
    }

    public Task DisposeAsync() => _scope.DisposeAsync().AsTask();

    private Task<Run> NewRunAsync(string name, IReadOnlyDictionary<string, string>? tags = null) =>
        _store.CreateRunAsync(_experimentId, name, _time.GetUtcNow(), tags ?? new Dictionary<string, string>());

    private async Task<Run> GetAsync(Run run) => (await _store.GetRunAsync(run.Id))!;

    [Fact]
    public async Task MarkAbandoned_FreshHeartbeatAndDeadLookingPid_LeftRunning()
    {
        // Another process with its own pid namespace (or another host) would see this pid as dead; the heartbeat says otherwise.
        var run = await NewRunAsync("live", new Dictionary<string, string> { ["keel.host"] = Environment.MachineName, ["keel.pid"] = int.MaxValue.ToString() });
        _time.Advance(TimeSpan.FromMinutes(10));
        await _store.HeartbeatAsync(run.Id, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(59));

        Assert.Empty(await RunRecovery.MarkAbandonedRunsAsync(_store, Lease, _time));
        Assert.Equal(RunStatus.Running, (await GetAsync(run)).Status);
    }

    [Fact]
    public async Task MarkAbandoned_LeaseExpired_KilledWithEndTimeAndReason()
    {
        var run = await NewRunAsync("orphan");
        await _store.HeartbeatAsync(run.Id, T0.AddSeconds(10));
        _time.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal([run.Id], await RunRecovery.MarkAbandonedRunsAsync(_store, Lease, _time));

        var got = await GetAsync(run);
        Assert.Equal((RunStatus.Killed, (DateTimeOffset?)T0.AddMinutes(30)), (got.Status, got.EndTime));
        Assert.Contains("60 s lease", got.Tags[RunRecovery.KilledReasonTag]);
    }

    [Fact]
    public async Task MarkAbandoned_FinishedRunWithOldHeartbeat_Untouched()
    {
        var run = await NewRunAsync("done");
        await _store.SetRunStatusAsync(run.Id, RunStatus.Finished, T0.AddMinutes(1));
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Empty(await RunRecovery.MarkAbandonedRunsAsync(_store, Lease, _time));
        Assert.Equal((RunStatus.Finished, (DateTimeOffset?)T0.AddMinutes(1)), ((await GetAsync(run)).Status, (await GetAsync(run)).EndTime));
    }

    [Fact]
    public void IsStale_RunningWithOldOrFreshBeat_TrueOnlyWhenOld()
    {
        var run = new Run("r", "e", "n", RunStatus.Running, T0, null, new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, double>());
        Assert.True(RunRecovery.IsStale(run, Lease, T0.AddSeconds(61)));
        Assert.False(RunRecovery.IsStale(run with { HeartbeatAt = T0.AddSeconds(30) }, Lease, T0.AddSeconds(61)));
        Assert.False(RunRecovery.IsStale(run with { Status = RunStatus.Finished }, Lease, T0.AddHours(1)));
    }

    [Fact]
    public async Task Heartbeat_ClockAdvancesOneInterval_RefreshesHeartbeat()
    {
        var run = await NewRunAsync("beating");
        await using var heartbeat = RunHeartbeat.Start(_store, run.Id, _time, TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(10));

        // The beat is written on the timer's thread; wait for it (bounded) rather than for a duration.
        var got = await WaitForAsync(async () => (await GetAsync(run)).HeartbeatAt == T0.AddSeconds(10));
        Assert.True(got, "no heartbeat written after the clock moved one interval");
        Assert.Null(heartbeat.LastError);
    }

    [Fact]
    public async Task Heartbeat_RunMarkedKilledMeanwhile_ReportsLost()
    {
        var run = await NewRunAsync("killed");
        await using var heartbeat = RunHeartbeat.Start(_store, run.Id, _time, TimeSpan.FromSeconds(10));
        await _store.SetRunStatusAsync(run.Id, RunStatus.Killed, T0);

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.True(await WaitForAsync(() => Task.FromResult(heartbeat.Lost)), "the heartbeat did not notice the run was killed");
        Assert.Null((await GetAsync(run)).HeartbeatAt);
    }

    [Fact]
    public async Task Open_SchemaVersion1StoreWithRunningRun_UpgradesInPlaceAndLeaseUsesStartTime()
    {
        var path = await _scope.OldStoreAsync(1, "INSERT INTO experiments VALUES ('e1', 'old', '2026-01-01T00:00:00.0000000Z');"
            + "INSERT INTO runs (id, experiment_id, name, status, start_time) VALUES ('abcdef0123', 'e1', 'old-run', 'running', '2026-03-01T11:00:00.0000000Z');");

        var store = await _scope.OpenAsync(_time, "sqlite:" + path);

        var run = (await store.Tracking.GetRunAsync("abcdef0123"))!;
        Assert.Equal(("old-run", RunStatus.Running, (DateTimeOffset?)null), (run.Name, run.Status, run.HeartbeatAt));
        Assert.Equal(["abcdef0123"], await RunRecovery.MarkAbandonedRunsAsync(store.Tracking, Lease, _time));
    }

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 500; i++)
        {
            if (await condition()) return true;
            await Task.Delay(20);
        }
        return false;
    }
}
