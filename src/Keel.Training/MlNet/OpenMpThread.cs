using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Keel.Training.MlNet;

/// <summary>
/// The one thread of the process that calls into LightGBM's native training, which runs its OpenMP threads under the calling
/// thread. GNU OpenMP keeps a team of worker threads per calling thread and counts every team's threads, busy or parked: once
/// LightGBM has been called from two threads (a search's trials resume on whichever pool thread their awaits return to), the
/// process holds more OpenMP threads than cores, and from then on OpenMP sleeps at every barrier instead of spinning; on a
/// 2-core machine that made a small set's LightGBM trial about ten times slower. Called from this thread only, the team is
/// always the same one. It also means that in-process search workers take turns at LightGBM instead of running two fits of
/// all cores each on the same cores: each fit keeps its thread count, so its model is the one a lone fit makes.
/// </summary>
internal static class OpenMpThread
{
    private static readonly BlockingCollection<Action> Work = new();
    private static readonly Thread Thread = Start();

    /// <summary>Runs <paramref name="fit"/> on the thread and waits for it; its exception is rethrown here with its own stack.</summary>
    public static T Run<T>(Func<T> fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (Environment.CurrentManagedThreadId == Thread.ManagedThreadId) return fit();
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        using var done = new ManualResetEventSlim();
        Work.Add(() =>
        {
            try { result = fit(); }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
            finally { done.Set(); }
        });
        done.Wait();
        failure?.Throw();
        return result;
    }

    private static Thread Start()
    {
        var thread = new Thread(() =>
        {
            foreach (var item in Work.GetConsumingEnumerable()) item();
        })
        { IsBackground = true, Name = "Keel LightGBM" };
        thread.Start();
        return thread;
    }
}
