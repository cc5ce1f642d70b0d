using Keel.Core.Tracking;

namespace Keel.Tracking;

/// <summary>Refreshes a running run's heartbeat every interval until disposed, so other processes can tell the run is alive.</summary>
public sealed class RunHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RunHeartbeat(ITrackingStore store, string runId, TimeProvider time, TimeSpan interval) =>
        _loop = BeatAsync(store, runId, time, interval, _stop.Token);

    /// <summary>True once a heartbeat found the run no longer running (another process marked it killed); the loop then stops.</summary>
    public bool Lost { get; private set; }

    /// <summary>The last error a heartbeat write hit (kept, not thrown: the next beat tries again), or null.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Starts beating for <paramref name="runId"/>, first after one <paramref name="interval"/> (the run's start time counts as its first beat).</summary>
    public static RunHeartbeat Start(ITrackingStore store, string runId, TimeProvider time, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        return new RunHeartbeat(store, runId, time, interval);
    }

    private async Task BeatAsync(ITrackingStore store, string runId, TimeProvider time, TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    if (await store.HeartbeatAsync(runId, time.GetUtcNow(), ct)) continue;
                    Lost = true;
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LastError = e; // e.g. the database was busy for longer than its timeout; a missed beat is fine within the lease
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Stops beating and waits for a beat in flight to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
