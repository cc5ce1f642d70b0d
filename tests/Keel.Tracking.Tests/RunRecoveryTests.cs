using System.Diagnostics;
using Keel.Core.Tracking;

namespace Keel.Tracking.Tests;

public sealed class RunRecoveryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ProcessIdentity Me = new("host-a", 100, 1_000);
    private readonly StoreScope _scope = new();
    private readonly ManualTime _time = new(T0);
    private ITrackingStore _store = null!;
    private string _experimentId = "";

    public async Task InitializeAsync()
    {
        _store = (await _scope.OpenAsync(_time)).Tracking;
        _experimentId = (await _store.GetOrCreateExperimentAsync("exp")).Id;
    }

    public Task DisposeAsync() => _scope.DisposeAsync().AsTask();

    private Task<Run> RunOwnedByAsync(ProcessIdentity? owner, string name) =>
        _store.CreateRunAsync(_experimentId, name, T0, owner is null ? new Dictionary<string, string>() : RunRecovery.Tags(owner));

    private async Task<Run> GetAsync(Run run) => (await _store.GetRunAsync(run.Id))!;

    [Fact]
    public async Task MarkAbandoned_DeadOwnerOnSameHost_KilledWithEndTimeAndReason()
    {
        var dead = new ProcessIdentity("host-a", 200, 2_000);
        var run = await RunOwnedByAsync(dead, "orphan");
        _time.Advance(TimeSpan.FromMinutes(30));

        var killed = await RunRecovery.MarkAbandonedRunsAsync(_store, Me, _ => false, _time);

        Assert.Equal([run.Id], killed);
        var got = await GetAsync(run);
        Assert.Equal(RunStatus.Killed, got.Status);
        Assert.Equal(T0.AddMinutes(30), got.EndTime);
        var reason = got.Tags[RunRecovery.KilledReasonTag];
        Assert.Contains("process 200 on host-a", reason);
        Assert.Contains("process 100", reason);
    }

    [Fact]
    public async Task MarkAbandoned_OtherHostAliveSelfOrUntagged_LeftRunning()
    {
        var otherHost = await RunOwnedByAsync(new ProcessIdentity("host-b", 200, 2_000), "other-host");
        var alive = await RunOwnedByAsync(new ProcessIdentity("host-a", 300, 3_000), "alive");
        var self = await RunOwnedByAsync(Me, "self");
        var untagged = await RunOwnedByAsync(null, "untagged");
        var asked = new List<ProcessIdentity>();

        var killed = await RunRecovery.MarkAbandonedRunsAsync(_store, Me, id => { asked.Add(id); return id.ProcessId == 300; }, _time);

        Assert.Empty(killed);
        Assert.Equal([new ProcessIdentity("host-a", 300, 3_000)], asked);
        foreach (var run in new[] { otherHost, alive, self, untagged })
        {
            var got = await GetAsync(run);
            Assert.Equal(RunStatus.Running, got.Status);
            Assert.False(got.Tags.ContainsKey(RunRecovery.KilledReasonTag));
        }
    }

    [Fact]
    public async Task MarkAbandoned_FinishedRunOfDeadOwner_Untouched()
    {
        var run = await RunOwnedByAsync(new ProcessIdentity("host-a", 200, 2_000), "done");
        await _store.SetRunStatusAsync(run.Id, RunStatus.Finished, T0.AddMinutes(1));

        Assert.Empty(await RunRecovery.MarkAbandonedRunsAsync(_store, Me, _ => false, _time));
        var got = await GetAsync(run);
        Assert.Equal((RunStatus.Finished, T0.AddMinutes(1)), (got.Status, got.EndTime));
    }

    [Fact]
    public async Task MarkAbandoned_SameDeadPidReusedWithOtherStartTime_OnlyDeadOneKilled()
    {
        var dead = await RunOwnedByAsync(new ProcessIdentity("host-a", 200, 2_000), "dead");
        var reused = await RunOwnedByAsync(new ProcessIdentity("host-a", 200, 9_000), "reused");

        var killed = await RunRecovery.MarkAbandonedRunsAsync(_store, Me, id => id.ProcessStartTicks == 9_000, _time);

        Assert.Equal([dead.Id], killed);
        Assert.Equal(RunStatus.Running, (await GetAsync(reused)).Status);
    }

    [Fact]
    public async Task MarkAbandoned_MoreThanOnePage_AllOrphansKilled()
    {
        // Marking changes the "running" set while it is being read; every orphan must still be found.
        var ids = new List<string>();
        for (var i = 0; i < 12; i++) ids.Add((await RunOwnedByAsync(new ProcessIdentity("host-a", 1000 + i, 1), $"r{i}")).Id);

        var killed = await RunRecovery.MarkAbandonedRunsAsync(_store, Me, _ => false, _time);

        Assert.Equal(ids.Order(), killed.Order());
    }

    [Fact]
    public void Tags_Identity_RoundTripsAsStrings()
    {
        var tags = RunRecovery.Tags(new ProcessIdentity("h", 42, 638_000_000_000_000_000));
        Assert.Equal(new Dictionary<string, string> { ["keel.host"] = "h", ["keel.pid"] = "42", ["keel.pstart"] = "638000000000000000" }, tags);
    }

    [Fact]
    public void IsAlive_CurrentProcess_True()
    {
        var current = RunRecovery.Current();
        Assert.Equal(Environment.ProcessId, current.ProcessId);
        Assert.True(RunRecovery.IsAlive(current));
    }

    [Fact]
    public void IsAlive_CurrentPidWithOtherStartTime_False()
    {
        var current = RunRecovery.Current();
        Assert.False(RunRecovery.IsAlive(current with { ProcessStartTicks = current.ProcessStartTicks - TimeSpan.TicksPerHour }));
    }

    [Fact]
    public void IsAlive_ChildProcessBeforeAndAfterExit_TrueThenFalse()
    {
        using var p = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        var id = new ProcessIdentity(Environment.MachineName, p.Id, p.StartTime.ToUniversalTime().Ticks);
        Assert.True(RunRecovery.IsAlive(id));
        p.Kill();
        p.WaitForExit();
        Assert.False(RunRecovery.IsAlive(id));
    }

    [Fact]
    public void IsAlive_NonExistentPid_False() =>
        Assert.False(RunRecovery.IsAlive(new ProcessIdentity(Environment.MachineName, int.MaxValue, 0)));

    [Fact]
    public void IsAlive_OtherHost_AssumedAlive() =>
        Assert.True(RunRecovery.IsAlive(new ProcessIdentity(Environment.MachineName + "-elsewhere", int.MaxValue, 0)));
}
