using System.Diagnostics;
using Keel.Core.Data;
using Keel.Pipeline.Predict;

namespace Keel.Serving.Hosting;

/// <summary>
/// A champion answer's copy for the challenger: the rows as bound for the champion, the body (for a challenger whose schema differs) and
/// the champion's score and label, for agreement. Queued, its values are copied into the <see cref="ShadowRing"/>'s slots; the worker
/// gets a copy built again from them.
/// </summary>
/// <param name="Endpoint">The endpoint the request came to ("invocations" or "v2").</param>
/// <param name="Champion">The champion that answered (its schema bound <paramref name="Rows"/>).</param>
/// <param name="Challenger">The challenger to score the copy (read once per request, so a swap never mixes two).</param>
/// <param name="Rows">The request's rows as bound for the champion.</param>
/// <param name="Body">The request body, bound again only for a challenger whose input schema differs.</param>
/// <param name="ChampionOutcome">The champion's outcome on the request (its request id, score and label), as the policy observed it.</param>
/// <param name="FirstRow">The copy's first row in <paramref name="Rows"/> (a batch's copies taken from the queue share one table).</param>
/// <param name="RowCount">The copy's rows in <paramref name="Rows"/>; -1: all of them.</param>
internal readonly record struct ShadowCopy(string Endpoint, LoadedModel Champion, LoadedModel Challenger, Table Rows, (byte[] Body, bool Csv) Body,
    Keel.Serving.Rollouts.ArmOutcome ChampionOutcome, int FirstRow = 0, int RowCount = -1)
{
    /// <summary>How many rows the copy has.</summary>
    public int Count => RowCount < 0 ? Rows.RowCount : RowCount;

    /// <summary>The copy's rows as a table of their own (<see cref="Rows"/> itself when the copy is all of it).</summary>
    public Table Own() => FirstRow == 0 && Count == Rows.RowCount ? Rows : Rows.Take(Enumerable.Range(FirstRow, Count).ToArray());
}

/// <summary>How the shadow worker queues, batches and paces copies.</summary>
/// <param name="Capacity">Most copies waiting (rounded up to a power of two); a copy that finds the queue full is dropped (and counted), the answer never waits.</param>
/// <param name="BatchRows">Most rows scored in one batch (one challenger call); a larger request is a batch of its own.</param>
/// <param name="BusyShare">
/// Share of one core the worker may keep busy, 0.01 to 1: after each batch it pauses long enough that its busy time stays under this share,
/// so on saturated cores the copies take a bounded share of CPU from the answers and the rest are dropped.
/// </param>
/// <param name="MaxPause">Longest pause after one batch, so a slow batch (the first, compiled as it runs) never stops the worker for long.</param>
/// <param name="SlotRows">Most rows of a request its queued copy holds as copied values; a larger request is queued by reference.</param>
internal sealed record ShadowPacing(int Capacity, int BatchRows, double BusyShare, TimeSpan MaxPause, int SlotRows)
{
    /// <summary>The pause after a batch that kept the worker busy for <paramref name="busy"/>: busy × (1 − share) / share, at most <see cref="MaxPause"/>.</summary>
    public TimeSpan PauseAfter(TimeSpan busy)
    {
        var share = Math.Clamp(BusyShare, 0.01, 1);
        if (share >= 1 || busy <= TimeSpan.Zero) return TimeSpan.Zero;
        var ticks = busy.Ticks * ((1 - share) / share);
        return TimeSpan.FromTicks((long)Math.Min(ticks, Math.Max(0, MaxPause.Ticks)));
    }
}

/// <summary>
/// Scores shadow copies off the hot path: requests put copies in a bounded lock-free queue of preallocated slots (<see cref="ShadowRing"/>:
/// never waiting, never taking a lock the worker holds, allocating nothing once warm) and one worker thread takes them in batches, so the
/// challenger is called once for many copied rows.
/// </summary>
/// <remarks>
/// The thread runs at normal priority and paces itself by sleeping instead. A thread at a lowered priority (nice +10, +19 were tried)
/// still cost the champion 1.4–1.5× p99 on two saturated cores: when it is descheduled while holding a lock the answers also take (the
/// policy's, the log queue's, a channel's), or in managed code when a garbage collection must suspend every thread, the answers wait
/// until the scheduler runs it again. A sleeping thread holds no lock and does not delay a collection.
/// </remarks>
internal sealed class ShadowWorker : IDisposable
{
    private static readonly TimeSpan MaxIdleWait = TimeSpan.FromMilliseconds(50);

    private readonly ShadowRing _ring;
    private readonly ShadowPacing _pacing;
    private readonly Action<IReadOnlyList<ShadowCopy>> _score;
    private readonly Thread _thread;
    private long _dropped;
    private volatile bool _stopping;

    /// <param name="pacing">Queue size, batch size and busy share.</param>
    /// <param name="score">Scores one batch (on the worker's thread); it reports its own failures.</param>
    /// <param name="name">The thread's name.</param>
    public ShadowWorker(ShadowPacing pacing, Action<IReadOnlyList<ShadowCopy>> score, string name)
    {
        _pacing = pacing with { Capacity = Math.Max(1, pacing.Capacity), BatchRows = Math.Max(1, pacing.BatchRows), BusyShare = Math.Clamp(pacing.BusyShare, 0.01, 1) };
        _score = score;
        _ring = new ShadowRing(_pacing.Capacity, _pacing.SlotRows);
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Copies refused because the queue was full (or the worker stopped).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Copies waiting.</summary>
    public int Queued => _ring.Count;

    /// <summary>Queues a copy; false (counted in <see cref="Dropped"/>, nothing runs) when the queue is full or the worker stopped.</summary>
    /// <param name="copy">The copy; its values are copied (see <see cref="ShadowRing"/>), so the request's objects are not kept.</param>
    /// <param name="byReference">Keep the rows and body by reference (a challenger whose input schema differs binds the body itself).</param>
    public bool TryQueue(in ShadowCopy copy, bool byReference = false)
    {
        if (!_stopping && _ring.TryWrite(copy, byReference)) return true;
        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>Stops taking copies, scores what is queued (up to 5 seconds) and ends the thread.</summary>
    public void Dispose()
    {
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    private void Run()
    {
        var batch = new List<ShadowCopy>();
        var idle = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            // One batch is one challenger on one schema (see ShadowRing.ReadBatch).
            _ring.ReadBatch(_pacing.BatchRows, batch);
            if (batch.Count == 0)
            {
                if (_stopping) return;
                Thread.Sleep(idle);
                idle = TimeSpan.FromTicks(Math.Min(MaxIdleWait.Ticks, idle.Ticks * 2));
                continue;
            }
            idle = TimeSpan.FromMilliseconds(1);
            var started = Stopwatch.GetTimestamp();
            try
            {
                _score(batch);
            }
            catch (Exception)
            {
                // The scorer reports its own failures; this only keeps the thread alive.
            }
            batch.Clear();
            if (_stopping) continue;
            var pause = _pacing.PauseAfter(Stopwatch.GetElapsedTime(started));
            if (pause > TimeSpan.Zero) Thread.Sleep(pause);
        }
    }
}
