using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Keel.Serving.Hosting;

/// <summary>
/// Runs work nobody waits for (shadow copies) on one dedicated thread at a lower scheduling priority, from a bounded queue.
/// On the thread pool a shadow copy competed with the answers for the two cores on equal terms, so under load it doubled the
/// prediction work and raised the champion's latency with it. At nice +10 the thread gets the cores' idle time and a small
/// share (about a tenth of one normal thread's) when they are busy; when the queue is full, work is refused (the caller counts it).
/// </summary>
internal sealed class LowPriorityWorker : IDisposable
{
    /// <summary>How much the thread's Linux nice value is raised above the process's (0 normal, 19 lowest): enough to yield to answers.</summary>
    public const int NiceIncrement = 10;

    private readonly Channel<Action> _queue;
    private readonly Thread _thread;

    /// <param name="capacity">Most pieces of work waiting; more are refused.</param>
    /// <param name="name">The thread's name.</param>
    public LowPriorityWorker(int capacity, string name)
    {
        _queue = Channel.CreateBounded<Action>(new BoundedChannelOptions(Math.Max(1, capacity)) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Whether this thread's priority could be lowered (Linux); elsewhere the work runs at normal priority.</summary>
    public bool Lowered { get; private set; }

    /// <summary>Queues <paramref name="work"/>; false (nothing runs) when the queue is full or the worker stopped.</summary>
    public bool TryQueue(Action work) => _queue.Writer.TryWrite(work);

    /// <summary>Stops taking work, lets the queued work finish (up to 5 seconds) and ends the thread.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    private void Run()
    {
        Lowered = TryLowerPriority();
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var work))
            {
                try
                {
                    work();
                }
                catch (Exception)
                {
                    // The work reports its own failures; this only keeps the thread alive.
                }
            }
        }
    }

    /// <summary>Raises this thread's nice value: Linux schedules threads individually, and raising one's own nice value needs no privilege.</summary>
    private static bool TryLowerPriority()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            var tid = gettid();
            var current = getpriority(PrioProcess, tid);
            return setpriority(PrioProcess, tid, Math.Min(19, current + NiceIncrement)) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private const int PrioProcess = 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int getpriority(int which, int who);

    [DllImport("libc")]
    private static extern int gettid();
}
