using Keel.Serving.Hosting;

namespace Keel.Serving.Tests;

public sealed class LowPriorityWorkerTests
{
    /// <summary>The nice value of the calling thread, from /proc (field 19 of its stat line).</summary>
    private static int ThreadNice()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void TryQueue_OnLinux_WorkRunsAtLowerPriorityThanRequests()
    {
        if (!OperatingSystem.IsLinux()) return; // thread nice values are Linux's; elsewhere the work runs at normal priority
        var caller = ThreadNice();
        using var worker = new LowPriorityWorker(4, "test-low");
        using var ran = new ManualResetEventSlim();
        var nice = int.MinValue;
        Assert.True(worker.TryQueue(() =>
        {
            nice = ThreadNice();
            ran.Set();
        }));
        Assert.True(ran.Wait(TimeSpan.FromSeconds(30)));
        Assert.Equal(Math.Min(19, caller + LowPriorityWorker.NiceIncrement), nice);
        Assert.Equal(caller, ThreadNice()); // the caller's own thread is untouched
        Assert.True(worker.Lowered);
    }

    [Fact]
    public void TryQueue_QueueFull_RefusesWithoutWaitingAndRunsWhatWasQueued()
    {
        using var worker = new LowPriorityWorker(2, "test-full");
        using var gate = new ManualResetEventSlim();
        using var running = new ManualResetEventSlim();
        var done = 0;
        Assert.True(worker.TryQueue(() =>
        {
            running.Set();
            gate.Wait();
        }));
        Assert.True(running.Wait(TimeSpan.FromSeconds(30)));
        var accepted = 0;
        while (worker.TryQueue(() => Interlocked.Increment(ref done))) accepted++;
        Assert.Equal(2, accepted);
        gate.Set();
        worker.Dispose();
        Assert.Equal(accepted, done);
        Assert.False(worker.TryQueue(() => { }));
    }
}
