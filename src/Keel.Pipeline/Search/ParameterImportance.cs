using Keel.Core.Search;
using Keel.Search;

namespace Keel.Pipeline.Search;

/// <summary>
/// Parameter importance as a first-order variance share (a light fANOVA): for each parameter, the complete trials that have it are
/// grouped by its value (categorical: by choice; numeric: into up to 4 equal-count bins, in log space for log ranges) and the share of
/// the objective's variance that goes with the groups is measured as ε² (epsilon squared: η² = between-group / total sum of squares,
/// corrected for the groups' degrees of freedom as adjusted R² corrects R²: (SS_between − (k − 1)·MS_within) / SS_total, floored at 0).
/// Plain η² grows with the number of groups whatever the objective does: 4 bins of 5 trials explain most of any variance, so with
/// few trials every parameter looked important. Each family's ε² are scaled to sum to 1. fANOVA fits a random forest and integrates
/// out the other parameters; ε² reads the same main effects straight from the trials, so it is cheap but confounded when parameters
/// were sampled together (as TPE does late in a search). Families with fewer than 4 complete trials, or where no parameter explains
/// more than its groups alone would, get no shares.
/// </summary>
public static class ParameterImportance
{
    /// <summary>Bins per numeric parameter.</summary>
    public const int Bins = 4;

    /// <summary>Shares per family and parameter, largest first within each family; parameters with no share left out.</summary>
    public static IReadOnlyList<ParamImportance> Compute(IReadOnlyList<TrialRecord> trials, IReadOnlyDictionary<string, SearchSpace> spaces)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(spaces);
        var result = new List<ParamImportance>();
        foreach (var (family, space) in spaces)
        {
            var done = trials.Where(t => t.Group == family && t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v)).ToArray();
            if (done.Length < 4) continue;
            var etas = new List<(string Param, double Epsilon)>();
            foreach (var p in space.Params)
            {
                var with = done.Where(t => t.Params.ContainsKey(p.Name)).ToArray();
                var groups = Group(with, p).Select(g => g.Select(t => t.Value!.Value).ToArray()).ToArray();
                if (EpsilonSquared(groups) is { } e && e > 0) etas.Add((p.Name, e));
            }
            var sum = etas.Sum(e => e.Epsilon);
            if (sum <= 0) continue;
            result.AddRange(etas.OrderByDescending(e => e.Epsilon).Select(e => new ParamImportance(family, e.Param, e.Epsilon / sum)));
        }
        return result;
    }

    /// <summary>ε² of a one-way grouping of values: (SS_between − (k − 1)·SS_within / (n − k)) / SS_total, floored at 0; null when it is
    /// undefined (fewer than 2 groups, no degrees of freedom within them, or no spread).</summary>
    internal static double? EpsilonSquared(IReadOnlyList<double[]> groups)
    {
        var n = groups.Sum(g => g.Length);
        var k = groups.Count;
        if (k < 2 || n <= k) return null;
        var mean = groups.SelectMany(g => g).Average();
        var total = groups.SelectMany(g => g).Sum(v => (v - mean) * (v - mean));
        if (total <= 0) return null;
        var between = groups.Sum(g => g.Length * (g.Average() - mean) * (g.Average() - mean));
        var within = total - between;
        return Math.Max(0, (between - (k - 1) * within / (n - k)) / total);
    }

    private static IEnumerable<IGrouping<int, TrialRecord>> Group(TrialRecord[] trials, ParamSpec p)
    {
        if (p.Distribution is CategoricalDistribution) return trials.GroupBy(t => (int)t.Params[p.Name]);
        var log = p.Distribution.IsLog;
        double X(TrialRecord t) => log ? Math.Log(t.Params[p.Name]) : t.Params[p.Name];
        // Equal-count bins by rank, so a skewed sample still splits into groups of similar size.
        var ranked = trials.OrderBy(X).Select((t, i) => (t, bin: i * Bins / trials.Length)).ToArray();
        return ranked.GroupBy(x => x.bin, x => x.t);
    }
}
