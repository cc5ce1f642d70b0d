using System.Collections.Concurrent;
using System.Diagnostics;
using Keel.Core.Data;
using Keel.Pipeline.Predict;

namespace Keel.Serving.Hosting;

/// <summary>
/// A champion answer's copy for the challenger: the rows as bound for the champion (handed over as parsed, never copied), the body
/// (for a challenger whose schema differs) and the champion's score and label, for agreement.
/// </summary>
/// <param name="Endpoint">The endpoint the request came to ("invocations" or "v2").</param>
/// <param name="Champion">The champion that answered (its schema bound <paramref name="Rows"/>).</param>
/// <param name="Challenger">The challenger to score the copy (read once per request, so a swap never mixes two).</param>
/// <param name="Rows">The request's rows as bound for the champion.</param>
/// <param name="Body">The request body, bound again only for a challenger whose input schema differs.</param>
/// <param name="ChampionOutcome">The champion's outcome on the request (its request id, score and label), as the policy observed it.</param>
internal readonly record struct ShadowCopy(string Endpoint, LoadedModel Champion, LoadedModel Challenger, Table Rows, (byte[] Body, bool Csv) Body,
    Keel.Serving.Rollouts.ArmOutcome ChampionOutcome);

/// <summary>How the shadow worker queues, batches and paces copies.</summary>
/// <param name="Capacity">Most copies waiting; a copy that finds the queue full is dropped (and counted), the answer never waits.</param>
/// <param name="BatchRows">Most rows scored in one batch (one challenger call); a larger request is a batch of its own.</param>
/// <param name="BusyShare">
/// Share of one core the worker may keep busy, 0 to 1: after each batch it sleeps long enough that its busy time stays under this share,
/// so on saturated cores the copies take a bounded share of CPU from the answers and the rest are dropped.
/// </param>
internal sealed record ShadowPacing(int Capacity, int BatchRows, double BusyShare);

/// <summary>
/// Scores shadow copies off the hot path: requests put copies in a bounded lock-free queue (never waiting, never taking a lock the worker
/// holds) and one worker thread takes them in batches, so the challenger is called once for many copied rows.
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

    private readonly ConcurrentQueue<ShadowCopy> _queue = new();
    private readonly ShadowPacing _pacing;
    private readonly Action<IReadOnlyList<ShadowCopy>> _score;
    private readonly Thread _thread;
    private int _count;
    private long _dropped;
    private volatile bool _stopping;

    /// <param name="pacing">Queue size, batch size and busy share.</param>
    /// <param name="score">Scores one batch (on the worker's thread); it reports its own failures.</param>
    /// <param name="name">The thread's name.</param>
    public ShadowWorker(ShadowPacing pacing, Action<IReadOnlyList<ShadowCopy>> score, string name)
    {
        _pacing = pacing with { Capacity = Math.Max(1, pacing.Capacity), BatchRows = Math.Max(1, pacing.BatchRows), BusyShare = Math.Clamp(pacing.BusyShare, 0.01, 1) };
        _score = score;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Copies refused because the queue was full (or the worker stopped).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Copies waiting.</summary>
    public int Queued => Volatile.Read(ref _count);

    /// <summary>Queues a copy; false (counted in <see cref="Dropped"/>, nothing runs) when the queue is full or the worker stopped.</summary>
    public bool TryQueue(in ShadowCopy copy)
    {
        if (_stopping || Interlocked.Increment(ref _count) > _pacing.Capacity)
        {
            if (!_stopping) Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _dropped);
            return false;
        }
        _queue.Enqueue(copy);
        return true;
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
        ShadowCopy? carried = null;
        while (true)
        {
            var rows = 0;
            if (carried is { } c)
            {
                batch.Add(c);
                rows = c.Rows.RowCount;
                carried = null;
            }
            while (rows < _pacing.BatchRows && _queue.TryDequeue(out var copy))
            {
                Interlocked.Decrement(ref _count);
                // One batch is one challenger on one schema; a copy that does not fit starts the next batch.
                if (batch.Count > 0 && (rows + copy.Rows.RowCount > _pacing.BatchRows || !ReferenceEquals(copy.Challenger, batch[0].Challenger)
                    || !ReferenceEquals(copy.Champion, batch[0].Champion)))
                {
                    carried = copy;
                    break;
                }
                batch.Add(copy);
                rows += copy.Rows.RowCount;
            }
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
            var busy = Stopwatch.GetElapsedTime(started);
            if (_pacing.BusyShare < 1) Thread.Sleep(busy * ((1 - _pacing.BusyShare) / _pacing.BusyShare));
        }
    }
}
