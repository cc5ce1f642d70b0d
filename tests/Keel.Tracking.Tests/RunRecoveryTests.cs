using System.Diagnostics;
using Keel.Core.Tracking;

namespace Keel.Tracking.Tests;

public sealed class RunRecoveryTests
{
    private static readonly ProcessIdentity Me = new("host-a", 100, 1000);

    private static async Task<(KeelStore Store, Experiment E)> OpenAsync(StoreScope scope, ManualTime time)
    {
        var store = await scope.OpenAsync(time);
        return (store, await store.Tracking.GetOrCreateExperimentAsync("x"));
    }

    private static Task<Run> RunOf(KeelStore store, Experiment e, ProcessIdentity? owner) =>
        store.Tracking.CreateRunAsync(e.Id, "r", DateTimeOffset.UnixEpoch, owner is null ? new Dictionary<string, string>() : RunRecovery.Tags(owner));

    [Fact]
    public async Task MarkAbandonedRuns_DeadOwnersOnSameHost_MarkedKilledWithReason()
    {
        await using var scope = new StoreScope();
        var time = new ManualTime();
        var (store, e) = await OpenAsync(scope, time);
        var dead = await RunOf(store, e, Me with { ProcessId = 200 });
        var reused = await RunOf(store, e, Me with { ProcessId = 300, ProcessStartTicks = 5 });
        var alive = await RunOf(store, e, Me with { ProcessId = 300 });
        var mine = await RunOf(store, e, Me);
        var otherHost = await RunOf(store, e, new ProcessIdentity("host-b", 200, 1000));
        var untagged = await RunOf(store, e, null);
        var finished = await RunOf(store, e, Me with { ProcessId = 200 });
        await store.Tracking.SetRunStatusAsync(finished.Id, RunStatus.Finished, time.Now);
        time.Advance(TimeSpan.FromHours(1));

        var killed = await RunRecovery.MarkAbandonedRunsAsync(store.Tracking, Me, id => id == Me with { ProcessId = 300 }, time);

        Assert.Equal(new[] { dead.Id, reused.Id }.Order(), killed.Order());
        var got = (await store.Tracking.GetRunAsync(dead.Id))!;
        Assert.Equal(RunStatus.Killed, got.Status);
        Assert.Equal(time.Now, got.EndTime);
        Assert.Contains("200", got.Tags[RunRecovery.KilledReasonTag]);
        foreach (var id in new[] { alive.Id, mine.Id, otherHost.Id, untagged.Id })
            Assert.Equal(RunStatus.Running, (await store.Tracking.GetRunAsync(id))!.Status);
        Assert.Empty(await RunRecovery.MarkAbandonedRunsAsync(store.Tracking, Me, id => id == Me with { ProcessId = 300 }, time));
    }

    [Fact]
    public void IsAlive_CurrentProcess_TrueButNotWithOtherStartTime()
    {
        var me = RunRecovery.Current();
        Assert.Equal(Environment.ProcessId, me.ProcessId);
        Assert.True(RunRecovery.IsAlive(me));
        Assert.False(RunRecovery.IsAlive(me with { ProcessStartTicks = me.ProcessStartTicks - TimeSpan.TicksPerDay }));
        Assert.False(RunRecovery.IsAlive(me with { ProcessId = int.MaxValue }));
        Assert.True(RunRecovery.IsAlive(me with { Host = me.Host + "-elsewhere" }));
    }

    [Fact]
    public async Task MarkAbandonedRuns_RealExitedChildProcess_MarkedKilledAndOwnRunKept()
    {
        using var child = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        var childId = new ProcessIdentity(Environment.MachineName, child.Id, child.StartTime.ToUniversalTime().Ticks);
        await child.WaitForExitAsync();
        await using var scope = new StoreScope();
        var time = new ManualTime();
        var (store, e) = await OpenAsync(scope, time);
        var orphan = await RunOf(store, e, childId);
        var own = await RunOf(store, e, RunRecovery.Current());

        var killed = await RunRecovery.MarkAbandonedRunsAsync(store.Tracking, RunRecovery.Current(), RunRecovery.IsAlive, time);

        Assert.Equal([orphan.Id], killed);
        Assert.Equal(RunStatus.Running, (await store.Tracking.GetRunAsync(own.Id))!.Status);
    }
}
