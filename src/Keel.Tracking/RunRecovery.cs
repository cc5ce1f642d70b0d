using System.Globalization;
using Keel.Core.Tracking;

namespace Keel.Tracking;

/// <summary>
/// Finds runs left "running" by a process that died (crash, kill -9, power loss, a lost machine) and marks them killed. A run is
/// alive while its process refreshes the run's heartbeat (see <see cref="RunHeartbeat"/>); one silent for longer than the lease is
/// dead, whatever host or process id it had, so this works across machines and pid namespaces.
/// </summary>
public static class RunRecovery
{
    /// <summary>Tag set on runs marked killed, saying why.</summary>
    public const string KilledReasonTag = RunTags.KilledReason;

    /// <summary>Marks running runs whose last heartbeat is older than <paramref name="lease"/> killed (end time now, with a reason); returns their ids.</summary>
    public static Task<IReadOnlyList<string>> MarkAbandonedRunsAsync(ITrackingStore store, TimeSpan lease, TimeProvider time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        var seconds = lease.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        return store.KillStaleRunsAsync(now - lease, now, $"no heartbeat from the run's process for more than the {seconds} s lease; found at {now:O}", ct);
    }

    /// <summary>Whether <paramref name="run"/> is running but has sent no heartbeat within <paramref name="lease"/> before <paramref name="now"/>.</summary>
    public static bool IsStale(Run run, TimeSpan lease, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Status == RunStatus.Running && (run.HeartbeatAt ?? run.StartTime) < now - lease;
    }
}
