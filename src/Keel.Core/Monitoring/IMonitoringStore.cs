namespace Keel.Core.Monitoring;

/// <summary>One monitored window of a model version, as stored: when and what was compared, and its figures.</summary>
public sealed record MonitoringWindow
{
    /// <summary>Store-assigned id, increasing in insertion order (0 before it is stored).</summary>
    public long Id { get; init; }
    /// <summary>Registered model name.</summary>
    public required string Model { get; init; }
    /// <summary>The version monitored.</summary>
    public required int Version { get; init; }
    /// <summary>The window's label, e.g. "2001-03".</summary>
    public required string Window { get; init; }
    /// <summary>Start of the window (inclusive), when by time.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>End of the window (exclusive), when by time.</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>When the pass that produced it ran.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>What the current data was (a file name, or a deployment's prediction log).</summary>
    public required string Source { get; init; }
    /// <summary>Every figure by name (<c>psi(col)</c>, <c>drift_share</c>, <c>p99_ms</c>, …).</summary>
    public IReadOnlyDictionary<string, double> Figures { get; init; } = new Dictionary<string, double>();
    /// <summary>The full per-column result as JSON, for re-rendering a report.</summary>
    public string DetailJson { get; init; } = "{}";
}

/// <summary>Monitoring results per model version, append-only, so a timeline builds up across passes.</summary>
public interface IMonitoringStore
{
    /// <summary>Stores the windows of one pass in one transaction and returns them with their ids.</summary>
    Task<IReadOnlyList<MonitoringWindow>> AppendAsync(IReadOnlyList<MonitoringWindow> windows, CancellationToken ct = default);

    /// <summary>Stored windows of a model (one version, or all when null), oldest first, at most <paramref name="limit"/> (the newest).</summary>
    Task<IReadOnlyList<MonitoringWindow>> ListAsync(string model, int? version, int limit = 1000, CancellationToken ct = default);
}
