using System.Text.Json;
using Keel.Core.Monitoring;
using Keel.Monitoring.Drift;
using Keel.Tracking;

namespace Keel.Pipeline.Monitor;

/// <summary>Keeps a monitoring pass with its model version, and reads the timeline back.</summary>
public static class MonitoringResults
{
    /// <summary>Stores every window of <paramref name="result"/> (one transaction).</summary>
    public static Task<IReadOnlyList<MonitoringWindow>> SaveAsync(KeelStore store, MonitorResult result, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return store.Monitoring.AppendAsync(result.Windows.Select(w => new MonitoringWindow
        {
            Model = result.Model!, Version = result.Version!.Value, Window = w.Window, From = w.From, To = w.To, CreatedAt = now,
            Source = result.Current, Figures = w.Figures, DetailJson = JsonSerializer.Serialize(w, KeelJson.Options),
        }).ToArray(), ct);
    }

    /// <summary>A stored window's full result.</summary>
    public static WindowDrift? Detail(MonitoringWindow w) => JsonSerializer.Deserialize<WindowDrift>(w.DetailJson, KeelJson.Options);
}
