using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Keel.Core;
using Keel.Core.Tracking;

namespace Keel.Tracking;

/// <summary>Finds runs left "running" by a process that died (crash, kill -9, power loss) and marks them killed.</summary>
public static class RunRecovery
{
    /// <summary>Tag holding the owner's host name.</summary>
    public const string HostTag = "keel.host";
    /// <summary>Tag holding the owner's process id.</summary>
    public const string PidTag = "keel.pid";
    /// <summary>Tag holding the owner's start time in UTC ticks.</summary>
    public const string StartTag = "keel.pstart";
    /// <summary>Tag set on runs marked killed, saying why.</summary>
    public const string KilledReasonTag = "keel.killed_reason";

    // Process start times are derived from boot time plus a tick count, and boot time can be re-derived slightly
    // differently as the wall clock is adjusted; a second of slack still tells a reused pid apart.
    private static readonly long StartTolerance = TimeSpan.TicksPerSecond;

    /// <summary>The identity of this process.</summary>
    public static ProcessIdentity Current()
    {
        using var self = Process.GetCurrentProcess();
        return new ProcessIdentity(Environment.MachineName, Environment.ProcessId, self.StartTime.ToUniversalTime().Ticks);
    }

    /// <summary>The tags to put on a run so that a later process can tell whether its owner is still alive.</summary>
    public static IReadOnlyDictionary<string, string> Tags(ProcessIdentity id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return new Dictionary<string, string>
        {
            [HostTag] = id.Host,
            [PidTag] = id.ProcessId.ToString(CultureInfo.InvariantCulture),
            [StartTag] = id.ProcessStartTicks.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// Marks runs still running whose owner on this host is gone (per <paramref name="isAlive"/>) as killed with end time now and
    /// tag keel.killed_reason; returns their ids. Runs of other hosts, of this process, or without owner tags are left alone.
    /// </summary>
    public static async Task<IReadOnlyList<string>> MarkAbandonedRunsAsync(ITrackingStore store, ProcessIdentity current, Func<ProcessIdentity, bool> isAlive, TimeProvider time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(isAlive);
        ArgumentNullException.ThrowIfNull(time);
        // Collect first, then mutate, so the search never pages over a set it is changing.
        var orphans = new List<(string RunId, ProcessIdentity Owner)>();
        string? token = null;
        do
        {
            var page = await store.SearchRunsAsync(new RunQuery { Filter = "status = 'running'", MaxResults = 1000, PageToken = token, OrderBy = "start_time asc" }, ct);
            foreach (var run in page.Runs)
                if (OwnerOf(run) is { } owner && owner.Host == current.Host && owner != current && !isAlive(owner))
                    orphans.Add((run.Id, owner));
            token = page.NextPageToken;
        }
        while (token is not null);

        var killed = new List<string>();
        foreach (var (runId, owner) in orphans)
        {
            var now = time.GetUtcNow();
            var reason = $"process {owner.ProcessId} on {owner.Host} ended without finishing the run; found by process {current.ProcessId} at {now:O}";
            try
            {
                await store.SetRunStatusAsync(runId, RunStatus.Killed, now, ct);
            }
            catch (KeelInputException)
            {
                continue; // finished by someone else between the search and now
            }
            await store.LogBatchAsync(runId, new LogBatch { Tags = new Dictionary<string, string> { [KilledReasonTag] = reason } }, ct);
            killed.Add(runId);
        }
        return killed;
    }

    /// <summary>Whether the process is running on this machine with the same start time; processes of other hosts count as alive (cannot tell).</summary>
    public static bool IsAlive(ProcessIdentity id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!string.Equals(id.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            using var p = Process.GetProcessById(id.ProcessId);
            if (p.HasExited) return false;
            return Math.Abs(p.StartTime.ToUniversalTime().Ticks - id.ProcessStartTicks) <= StartTolerance;
        }
        catch (ArgumentException) { return false; }          // no process with that id
        catch (InvalidOperationException) { return false; }  // exited while we looked
        catch (Win32Exception) { return true; }              // exists, but we may not inspect it
    }

    private static ProcessIdentity? OwnerOf(Run run) =>
        run.Tags.TryGetValue(HostTag, out var host)
        && run.Tags.TryGetValue(PidTag, out var pidText) && int.TryParse(pidText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
        && run.Tags.TryGetValue(StartTag, out var startText) && long.TryParse(startText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var start)
            ? new ProcessIdentity(host, pid, start)
            : null;
}
