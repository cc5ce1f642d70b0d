using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Keel.Training.MlNet;

/// <summary>
/// The one thread of the process that calls into LightGBM's native training, one fit at a time. Two reasons:
/// <list type="bullet">
/// <item>LightGBM 4 keeps its thread count in one process-wide variable (LGBM_DEFAULT_NUM_THREADS, set from each fit's
/// num_threads), which sizes per-thread buffers and the OpenMP teams that fill them. Two fits at once with different thread
/// counts overwrite each other's count, and a team larger than its buffers corrupts memory: a test run died with a segfault
/// in lib_lightgbm.so on the thread of a one-thread fit that ran beside a two-thread fit. One fit at a time keeps each fit's
/// count its own.</item>
/// <item>LightGBM runs its OpenMP threads under the calling thread, and GNU OpenMP keeps a team of worker threads per calling
/// thread; once LightGBM had been called from several threads (a search's trials resume on whichever pool thread their
/// awaits return to), its workers slept and woke at barriers instead of spinning, and on a 2-core machine a small set's
/// LightGBM trial ran about ten times slower (bench/results.md, "LightGBM from one thread"). Called from this thread only,
/// the team is always the same one.</item>
/// </list>
/// So in-process search workers take turns at LightGBM; each fit keeps its thread count, so its model is the one a lone fit makes.
/// </summary>
internal static class OpenMpThread
{
    private static readonly BlockingCollection<Action> Work = new();
    private static readonly Thread Thread = Start();

    /// <summary>How many calls this calling thread has made (what a test can observe of its own calls only).</summary>
    [ThreadStatic] internal static int CallsFromThisThread;

    /// <summary>Runs <paramref name="fit"/> on the thread and waits for it; its exception is rethrown here with its own stack.</summary>
    public static T Run<T>(Func<T> fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        CallsFromThisThread++;
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
