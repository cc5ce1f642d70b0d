using Keel.Core;
using Keel.Core.Metrics;

namespace Keel.Evaluation;

/// <summary>Chooses the best candidate by one metric (judged on validation by the caller, never on test).</summary>
public static class ModelSelector
{
    /// <summary>Index of the best candidate by <paramref name="metric"/> in <see cref="CandidateOrder"/>: the metric's direction,
    /// a missing or NaN value never wins, ties go to the lower index.</summary>
    /// <exception cref="KeelInputException">No candidate has a defined value of <paramref name="metric"/> on the validation split.</exception>
    public static int SelectBest(IReadOnlyList<IReadOnlyDictionary<string, double>> candidateMetrics, string metric)
    {
        ArgumentNullException.ThrowIfNull(candidateMetrics);
        if (candidateMetrics.Count == 0) throw new ArgumentException("No candidates to choose from.", nameof(candidateMetrics));
        var info = MetricCatalog.Get(metric);
        double? Value(int i) => candidateMetrics[i].TryGetValue(metric, out var v) ? v : null;
        var best = CandidateOrder.Rank(Enumerable.Range(0, candidateMetrics.Count).ToArray(), Value, info.HigherIsBetter)[0];
        if (!CandidateOrder.IsDefined(Value(best)))
            throw new KeelInputException(
                $"No candidate has a defined {metric} on the validation split, so none can be chosen " +
                $"(for example, the validation rows hold a single class); expected a metric that every candidate has on validation, or a split whose validation rows fit {metric}.");
        return best;
    }
}
