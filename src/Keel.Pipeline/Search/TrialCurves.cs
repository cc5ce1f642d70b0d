using Keel.Core.Search;

namespace Keel.Pipeline.Search;

/// <summary>One trial's intermediate values: the validation loss it reported after each boosting round (what the pruner judged),
/// as Optuna's <c>plot_intermediate_values</c> draws them.</summary>
/// <param name="Trial">The trial's number.</param>
/// <param name="Family">Its family.</param>
/// <param name="State">Its state (complete, pruned, failed, running).</param>
/// <param name="Losses">(round, loss) by round.</param>
public sealed record TrialCurve(int Trial, string Family, string State, IReadOnlyList<KeyValuePair<int, double>> Losses)
{
    /// <summary>How a chart names the trial's line: "#7 pruned".</summary>
    public string Label => $"#{Trial} {State}";
}

/// <summary>The intermediate-value curves of a study's trials, shared by the search report and the web UI.</summary>
public static class TrialCurves
{
    /// <summary>Every trial that reported at least one finite value, by number, its values by round; families in the order given.</summary>
    public static IReadOnlyList<TrialCurve> From(IEnumerable<TrialRecord> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        return trials.OrderBy(t => t.Number)
            .Select(t => new TrialCurve(t.Number, t.Group, t.State.ToString().ToLowerInvariant(),
                t.Intermediate.Where(kv => double.IsFinite(kv.Value)).OrderBy(kv => kv.Key).ToArray()))
            .Where(c => c.Losses.Count > 0).ToArray();
    }

    /// <summary>The families that have curves, in first-trial order.</summary>
    public static IReadOnlyList<string> Families(IReadOnlyList<TrialCurve> curves) =>
        (curves ?? throw new ArgumentNullException(nameof(curves))).Select(c => c.Family).Distinct(StringComparer.Ordinal).ToArray();
}
