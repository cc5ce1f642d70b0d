using Keel.Core.Metrics;

namespace Keel.Evaluation;

/// <summary>Chooses the best candidate by one metric (judged on validation by the caller, never on test).</summary>
public static class ModelSelector
{
    /// <summary>Index of the best candidate by <paramref name="metric"/>, in the metric's direction; a missing or NaN value never wins; ties go to the lower index; 0 when none has the metric.</summary>
    public static int SelectBest(IReadOnlyList<IReadOnlyDictionary<string, double>> candidateMetrics, string metric)
    {
        ArgumentNullException.ThrowIfNull(candidateMetrics);
        if (candidateMetrics.Count == 0) throw new ArgumentException("No candidates to choose from.", nameof(candidateMetrics));
        var info = MetricCatalog.Get(metric);
        var best = -1;
        for (var i = 0; i < candidateMetrics.Count; i++)
        {
            if (!candidateMetrics[i].TryGetValue(metric, out var v) || double.IsNaN(v)) continue;
            if (best < 0 || info.IsBetter(v, candidateMetrics[best][metric])) best = i;
        }
        return Math.Max(best, 0);
    }
}
