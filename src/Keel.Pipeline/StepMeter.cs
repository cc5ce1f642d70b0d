using System.Diagnostics;
using Keel.Core.Tracking;

namespace Keel.Pipeline;

/// <summary>System cost of each step of a run or trial: wall time, CPU time and the process's peak working set, as metric points.</summary>
/// <remarks>
/// Keys: <c>system.STEP.wall_seconds</c>, <c>system.STEP.cpu_seconds</c> (user + kernel time of the whole process over the step, so
/// several threads can exceed the wall time) and <c>system.STEP.peak_working_set_bytes</c> (the process's peak since it started, read at
/// the step's end: the operating system keeps no per-step peak), with the metric step = the step's position in the run (0, 1, ...).
/// STEP is the step name with spaces as underscores, e.g. <c>train_lightgbm</c>. <see cref="Total"/> gives <c>system.total.*</c>.
/// </remarks>
internal sealed class StepMeter(TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private readonly TimeSpan _startCpu = Cpu();
    private long _lapStart = time.GetTimestamp();
    private TimeSpan _lapCpu = Cpu();
    private int _position;

    /// <summary>Ends the current step, named <paramref name="step"/>, and starts the next.</summary>
    public IReadOnlyList<MetricPoint> Lap(string step)
    {
        var (wall, cpu) = (time.GetElapsedTime(_lapStart).TotalSeconds, (Cpu() - _lapCpu).TotalSeconds);
        _lapStart = time.GetTimestamp();
        _lapCpu = Cpu();
        return Points(step.Replace(' ', '_'), wall, cpu, _position++);
    }

    /// <summary>The whole run or trial so far, as <c>system.total.*</c> (step 0).</summary>
    public IReadOnlyList<MetricPoint> Total() => Points("total", time.GetElapsedTime(_started).TotalSeconds, (Cpu() - _startCpu).TotalSeconds, 0);

    private List<MetricPoint> Points(string name, double wall, double cpu, int position)
    {
        var now = time.GetUtcNow();
        return
        [
            new($"system.{name}.wall_seconds", wall, position, now),
            new($"system.{name}.cpu_seconds", cpu, position, now),
            new($"system.{name}.peak_working_set_bytes", PeakWorkingSet(), position, now),
        ];
    }

    private static TimeSpan Cpu()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
    }

    private static long PeakWorkingSet()
    {
        using var p = Process.GetCurrentProcess();
        return p.PeakWorkingSet64;
    }
}
