using Keel.Core;
using Keel.Serving.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Hosting;

/// <summary>Monitoring run by the server on a schedule (`keel serve --monitor-every`, or the deployment file's <c>monitor.every</c>).</summary>
/// <param name="Every">How often a pass runs, on the server's clock.</param>
/// <param name="RunAsync">One pass over the last interval; returns its window's figures, or null when nothing was logged in it.</param>
public sealed record ScheduledMonitoring(TimeSpan Every, Func<CancellationToken, Task<IReadOnlyDictionary<string, double>?>> RunAsync);

/// <summary>Runs <see cref="ScheduledMonitoring"/> on the injected clock and exposes each pass's drift figures as gauges in /metrics.</summary>
internal sealed class ScheduledMonitor(ScheduledMonitoring schedule, ServingMetrics metrics, TimeProvider time, ILogger<ScheduledMonitor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(schedule.Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (await schedule.RunAsync(stoppingToken) is { } figures) metrics.SetDrift(figures);
                }
                catch (KeelInputException e)
                {
                    // A pass that cannot run (e.g. the log holds rows the reference cannot read) is logged; serving goes on.
                    logger.LogWarning("scheduled monitoring failed: {Message}", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
