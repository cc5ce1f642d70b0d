namespace Keel.Search;

/// <summary>One objective of a multi-objective search: a name and whether higher values are better.</summary>
/// <param name="Name">A metric name (auc, rmse, ...) or latency (predict µs per row) or size (model bytes).</param>
/// <param name="HigherIsBetter">The objective's direction.</param>
public sealed record Objective(string Name, bool HigherIsBetter)
{
    /// <summary>The direction a sampler optimises it in.</summary>
    public Direction Direction => HigherIsBetter ? Direction.Maximize : Direction.Minimize;
}

/// <summary>The Pareto front of a set of trials: those that no other trial dominates (at least as good on every objective and
/// strictly better on one), as Optuna's <c>study.best_trials</c> gives for a multi-objective study.</summary>
public static class ParetoFront
{
    /// <summary>Indices of the non-dominated rows of <paramref name="values"/> (one value per objective per row), in input order.
    /// Rows with a non-finite value are never on the front; identical rows are all on it when none dominates them.</summary>
    public static IReadOnlyList<int> Front(IReadOnlyList<IReadOnlyList<double>> values, IReadOnlyList<Objective> objectives)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(objectives);
        var finite = Enumerable.Range(0, values.Count).Where(i => values[i].Count == objectives.Count && values[i].All(double.IsFinite)).ToArray();
        return finite.Where(i => !finite.Any(j => j != i && Dominates(values[j], values[i], objectives))).ToArray();
    }

    /// <summary>How the front grew: for each row of <paramref name="values"/> in order, the hypervolume that the front of the rows so
    /// far dominates, as a share of the box between the best value per objective over all rows and Optuna's reference point (each
    /// objective's worst value moved 10 % outwards). 0 before the first finite row; a row with a non-finite value adds nothing.</summary>
    public static IReadOnlyList<double> HypervolumeHistory(IReadOnlyList<IReadOnlyList<double>> values, IReadOnlyList<Objective> objectives)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(objectives);
        var losses = values.Select(v => v.Count == objectives.Count && v.All(double.IsFinite)
            ? v.Select((x, k) => objectives[k].HigherIsBetter ? -x : x).ToArray() : null).ToArray();
        var finite = losses.OfType<double[]>().ToArray();
        if (finite.Length == 0) return new double[values.Count];
        var reference = Samplers.OptunaMultiObjective.ReferencePoint(finite);
        var box = 1.0;
        for (var k = 0; k < objectives.Count; k++) box *= reference[k] - finite.Min(l => l[k]);
        var history = new double[values.Count];
        var front = new List<double[]>();
        var share = 0.0;
        for (var i = 0; i < losses.Length; i++)
        {
            if (losses[i] is { } l && !front.Any(f => DominatesOrEquals(f, l)))
            {
                front.RemoveAll(f => DominatesOrEquals(l, f));
                front.Add(l);
                share = Samplers.OptunaMultiObjective.Hypervolume([.. front], reference) / box;
            }
            history[i] = share;
        }
        return history;
    }

    private static bool DominatesOrEquals(double[] a, double[] b) => a.Zip(b).All(p => p.First <= p.Second);

    /// <summary>Whether <paramref name="a"/> is at least as good as <paramref name="b"/> on every objective and strictly better on one.</summary>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<Objective> objectives)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(objectives);
        var strictly = false;
        for (var k = 0; k < objectives.Count; k++)
        {
            var better = objectives[k].HigherIsBetter ? a[k] - b[k] : b[k] - a[k];
            if (better < 0) return false;
            if (better > 0) strictly = true;
        }
        return strictly;
    }
}
