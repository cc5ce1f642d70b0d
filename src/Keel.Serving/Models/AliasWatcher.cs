using Keel.Serving.Hosting;
using Microsoft.Extensions.Hosting;

namespace Keel.Serving.Models;

/// <summary>Polls the registry on the injected clock and lets the catalog follow moved aliases.</summary>
internal sealed class AliasWatcher(ModelCatalog catalog, ServeOptions options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.AliasPollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await catalog.RefreshAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
