namespace Keel.Monitoring;

/// <summary>Serving figures of a window from the prediction log: <c>requests</c>, <c>error_rate</c>, <c>p50_ms</c>, <c>p95_ms</c>, <c>p99_ms</c>.</summary>
public static class SoftwareMetrics
{
    /// <summary>Adds the figures of the logged requests of one window (latency percentiles as NumPy's linear quantiles).</summary>
    /// <param name="figures">Where the figures go.</param>
    /// <param name="latenciesMs">Server-side latency of each request.</param>
    /// <param name="errors">Requests whose logged answer is an error.</param>
    public static void Add(WindowFigures figures, IReadOnlyList<double> latenciesMs, int errors)
    {
        figures.Set("requests", latenciesMs.Count);
        if (latenciesMs.Count == 0) return;
        figures.Set("error_rate", (double)errors / latenciesMs.Count);
        var sorted = latenciesMs.Order().ToArray();
        figures.Set("p50_ms", Drift.Psi.Quantile(sorted, 0.5));
        figures.Set("p95_ms", Drift.Psi.Quantile(sorted, 0.95));
        figures.Set("p99_ms", Drift.Psi.Quantile(sorted, 0.99));
    }
}
