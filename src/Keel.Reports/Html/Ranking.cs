using Keel.Core.Metrics;

namespace Keel.Reports;

/// <summary>Leaderboard order and which metrics the report shows, shared by every section.</summary>
internal static class Ranking
{
    private const int MaxKeyTestMetrics = 5;

    /// <summary>Candidates best first by the validation selection metric in <see cref="CandidateOrder"/>, the order the run selected by
    /// and the console prints: undefined values last, ties to the candidate listed first.</summary>
    public static IReadOnlyList<CandidateResult> Rank(ReportModel model) =>
        CandidateOrder.Rank(model.Candidates, c => SelectionValue(model, c), model.SelectionHigherIsBetter);

    /// <summary>The candidate's validation value of the selection metric, or null.</summary>
    public static double? SelectionValue(ReportModel model, CandidateResult c) =>
        c.ValidationMetrics.TryGetValue(model.SelectionMetric, out var v) ? v : null;

    /// <summary>Whether <paramref name="c"/> is the selected candidate.</summary>
    public static bool IsSelected(ReportModel model, CandidateResult c) =>
        model.Selected is not null && string.Equals(c.Name, model.Selected, StringComparison.Ordinal);

    /// <summary>Test metrics for the leaderboard: the selection metric first, then others in catalogue order.</summary>
    public static IReadOnlyList<string> KeyTestMetrics(ReportModel model) =>
        OrderMetrics(model, model.Candidates.SelectMany(c => c.TestMetrics.Keys)).Take(MaxKeyTestMetrics).ToList();

    /// <summary>Metric names without duplicates, selection metric first, then catalogue order, then unknown names A–Z.</summary>
    public static IEnumerable<string> OrderMetrics(ReportModel model, IEnumerable<string> names)
    {
        var catalogue = MetricCatalog.All.Keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i, StringComparer.Ordinal);
        return names.Distinct(StringComparer.Ordinal)
            .OrderBy(n => n == model.SelectionMetric ? 0 : 1)
            .ThenBy(n => catalogue.TryGetValue(n, out var i) ? i : int.MaxValue)
            .ThenBy(n => n, StringComparer.Ordinal);
    }
}
