using Keel.Core.Search;
using Keel.Search;

namespace Keel.Pipeline.Search;

/// <summary>
/// Parameter importance as a first-order variance share (a light fANOVA): for each parameter, complete trials are grouped by its value
/// (categorical: by choice; numeric: into up to 4 equal-count bins, in log space for log ranges) and η² = between-group variance of the
/// objective / total variance is computed; each family's η² are scaled to sum to 1. fANOVA fits a random forest and integrates out
/// the other parameters; η² reads the same main effects straight from the trials, so it is cheap but confounded when parameters
/// were sampled together (as TPE does late in a search). Families with fewer than 4 complete trials, or no spread, get no shares.
/// </summary>
public static class ParameterImportance
{
    /// <summary>Bins per numeric parameter.</summary>
    public const int Bins = 4;

    /// <summary>Shares per family and parameter, largest first within each family.</summary>
    public static IReadOnlyList<ParamImportance> Compute(IReadOnlyList<TrialRecord> trials, IReadOnlyDictionary<string, SearchSpace> spaces)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(spaces);
        var result = new List<ParamImportance>();
        foreach (var (family, space) in spaces)
        {
            var done = trials.Where(t => t.Group == family && t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v)).ToArray();
            if (done.Length < 4) continue;
            var mean = done.Average(t => t.Value!.Value);
            var total = done.Sum(t => Math.Pow(t.Value!.Value - mean, 2));
            if (total <= 0) continue;
            var etas = new List<(string, double)>();
            foreach (var p in space.Params)
            {
                var with = done.Where(t => t.Params.ContainsKey(p.Name)).ToArray();
                if (with.Length < 2) continue;
                var groups = Group(with, p);
                var between = groups.Sum(g => g.Count() * Math.Pow(g.Average(t => t.Value!.Value) - mean, 2));
                etas.Add((p.Name, between / total));
            }
            var sum = etas.Sum(e => e.Item2);
            if (sum <= 0) continue;
            result.AddRange(etas.OrderByDescending(e => e.Item2).Select(e => new ParamImportance(family, e.Item1, e.Item2 / sum)));
        }
        return result;
    }

    private static IEnumerable<IGrouping<int, TrialRecord>> Group(TrialRecord[] trials, ParamSpec p)
    {
        if (p.Distribution is CategoricalDistribution) return trials.GroupBy(t => (int)t.Params[p.Name]);
        var log = p.Distribution is FloatDistribution { Log: true } or IntDistribution { Log: true };
        double X(TrialRecord t) => log ? Math.Log(t.Params[p.Name]) : t.Params[p.Name];
        // Equal-count bins by rank, so a skewed sample still splits into groups of similar size.
        var ranked = trials.OrderBy(X).Select((t, i) => (t, bin: i * Bins / trials.Length)).ToArray();
        return ranked.GroupBy(x => x.bin, x => x.t);
    }
}
