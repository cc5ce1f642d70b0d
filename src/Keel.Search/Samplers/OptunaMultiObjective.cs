namespace Keel.Search.Samplers;

/// <summary>
/// What Optuna 3.1's TPESampler does differently in a multi-objective study (MOTPE, Ozaki et al. 2020), in Optuna's arithmetic:
/// the good ("below") trials are the first non-domination ranks whole, the rank that does not fit cut by greedy hypervolume subset
/// selection; each good trial's Parzen component is weighed by its hypervolume contribution. Losses are minimised (a maximised
/// objective is negated first).
/// </summary>
internal static class OptunaMultiObjective
{
    private const double Eps = 1e-12;

    /// <summary>Optuna's <c>_split_observation_pairs</c> for several objectives: the indices of the <paramref name="nBelow"/> good
    /// trials in the order Optuna keeps them (rank by rank, each rank in index order, then the subset selection's picks in the order
    /// picked), and the rest in index order.</summary>
    public static (int[] Below, int[] Above) Split(double[][] losses, int nBelow)
    {
        var ranks = NondominationRanks(losses);
        var below = new List<int>(nBelow);
        var rank = 0;
        while (below.Count < nBelow && below.Count + ranks.Count(r => r == rank) <= nBelow)
        {
            below.AddRange(Enumerable.Range(0, losses.Length).Where(i => ranks[i] == rank));
            rank++;
        }
        var left = nBelow - below.Count;
        if (left > 0)
        {
            var members = Enumerable.Range(0, losses.Length).Where(i => ranks[i] == rank).ToArray();
            var points = members.Select(i => losses[i]).ToArray();
            below.AddRange(GreedySubset(points, left, ReferencePoint(points)).Select(k => members[k]));
        }
        var chosen = below.ToHashSet();
        return ([.. below], Enumerable.Range(0, losses.Length).Where(i => !chosen.Contains(i)).ToArray());
    }

    /// <summary>Optuna's <c>_calculate_weights_below_for_multi_objective</c>: each good trial's share of the good set's hypervolume
    /// (what the set loses without it, plus 1e-12), divided by the largest; 1 for a lone trial.</summary>
    public static double[] BelowWeights(double[][] below)
    {
        if (below.Length == 0) return [];
        if (below.Length == 1) return [1.0];
        var reference = ReferencePoint(below);
        var all = Hypervolume(below, reference);
        var contributions = new double[below.Length];
        for (var i = 0; i < below.Length; i++)
            contributions[i] = all - Hypervolume(below.Where((_, j) => j != i).ToArray(), reference) + Eps;
        var max = contributions.Max();
        return contributions.Select(c => Math.Clamp(c / max, 0, 1)).ToArray();
    }

    /// <summary>Optuna's <c>_calculate_nondomination_rank</c>: 0 for the trials no other dominates, 1 for those only rank-0 trials
    /// dominate, and so on.</summary>
    public static int[] NondominationRanks(double[][] losses)
    {
        var n = losses.Length;
        var dominated = new bool[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                bool all = true, any = false;
                for (var k = 0; k < losses[i].Length; k++)
                {
                    all &= losses[i][k] >= losses[j][k];
                    any |= losses[i][k] > losses[j][k];
                }
                dominated[i, j] = all && any;
            }
        }
        var ranks = Enumerable.Repeat(-1, n).ToArray();
        var unranked = n;
        for (var rank = 0; unranked > 0; rank++)
        {
            var fresh = Enumerable.Range(0, n).Where(i => ranks[i] == -1 && !Enumerable.Range(0, n).Any(j => ranks[j] == -1 && dominated[i, j])).ToArray();
            foreach (var i in fresh) ranks[i] = rank;
            unranked -= fresh.Length;
        }
        return ranks;
    }

    /// <summary>Optuna's reference point: the worst value per objective moved 10 % outwards (1e-12 where it is 0).</summary>
    public static double[] ReferencePoint(double[][] points)
    {
        var d = points[0].Length;
        var reference = new double[d];
        for (var k = 0; k < d; k++)
        {
            var worst = points.Max(p => p[k]);
            reference[k] = Math.Max(1.1 * worst, 0.9 * worst);
            if (reference[k] == 0) reference[k] = Eps;
        }
        return reference;
    }

    /// <summary>Optuna's <c>_solve_hssp</c>: <paramref name="size"/> of <paramref name="points"/> picked one at a time, each the one
    /// adding most hypervolume to those picked before (first on ties); their positions in the order picked.</summary>
    public static int[] GreedySubset(double[][] points, int size, double[] reference)
    {
        var contributions = points.Select(p => Hypervolume([p], reference)).ToArray();
        var picked = new List<int>();
        var pickedPoints = new List<double[]>();
        var volume = 0.0;
        while (picked.Count < size)
        {
            var best = 0;
            for (var i = 1; i < contributions.Length; i++)
                if (contributions[i] > contributions[best]) best = i;
            contributions[best] = -1;
            var chosen = points[best];
            for (var j = 0; j < points.Length; j++)
            {
                if (contributions[j] == -1) continue;
                var corner = new double[chosen.Length];
                for (var k = 0; k < corner.Length; k++) corner[k] = Math.Max(chosen[k], points[j][k]);
                contributions[j] -= Hypervolume([.. pickedPoints, corner], reference) - volume;
            }
            pickedPoints.Add(chosen);
            picked.Add(best);
            volume = Hypervolume([.. pickedPoints], reference);
        }
        return [.. picked];
    }

    /// <summary>The hypervolume <paramref name="points"/> dominate up to <paramref name="reference"/> (every point at most the
    /// reference on every objective), by Optuna's WFG (While et al. 2012): a sweep for two objectives, otherwise exclusive volumes
    /// after sorting on the first.</summary>
    /// <exception cref="ArgumentException">A point beyond the reference.</exception>
    public static double Hypervolume(double[][] points, double[] reference)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(reference);
        if (points.Any(p => p.Where((v, k) => !(v <= reference[k])).Any()))
            throw new ArgumentException("every point must be at most the reference point on every objective");
        return reference.Length == 2 ? Sweep2D(points, (double[])reference.Clone()) : Wfg(points, reference);
    }

    private static double Wfg(double[][] points, double[] reference)
    {
        switch (points.Length)
        {
            case 0:
                return 0;
            case 1:
                return Box(points[0], reference);
            case 2:
                var corner = new double[reference.Length];
                for (var k = 0; k < corner.Length; k++) corner[k] = reference[k] - Math.Max(points[0][k], points[1][k]);
                return Box(points[0], reference) + Box(points[1], reference) - Product(corner);
        }
        var order = OptunaNumerics.Argsort(points.Select(p => p[0]).ToArray());
        var sorted = order.Select(i => points[i]).ToArray();
        var volume = 0.0;
        for (var i = 0; i < sorted.Length; i++) volume += Exclusive(sorted[i], sorted[(i + 1)..], reference);
        return volume;
    }

    private static double Exclusive(double[] point, double[][] rest, double[] reference)
    {
        var volume = Box(point, reference);
        var limited = Limit(point, rest);
        if (limited.Length == 1) volume -= Box(limited[0], reference);
        else if (limited.Length > 1) volume -= Wfg(limited, reference);
        return volume;
    }

    /// <summary>WFG's limit: each point of <paramref name="rest"/> raised to <paramref name="point"/>, keeping (as Optuna does, for
    /// a set sorted on the first objective only) those not beaten by the last kept one on every objective.</summary>
    private static double[][] Limit(double[] point, double[][] rest)
    {
        var limited = rest.Select(p => p.Select((v, k) => Math.Max(v, point[k])).ToArray()).ToArray();
        if (limited.Length <= 1) return limited;
        var kept = new List<double[]> { limited[0] };
        var left = 0;
        for (var right = 1; right < limited.Length; right++)
        {
            if (limited[left].Where((v, k) => v > limited[right][k]).Any())
            {
                left = right;
                kept.Add(limited[left]);
            }
        }
        return [.. kept];
    }

    /// <summary>Optuna's <c>_compute_2d</c>: sorted by the first objective (the second descending on ties), each point adds its
    /// rectangle up to the reference, whose second coordinate then moves down to the point's.</summary>
    private static double Sweep2D(double[][] points, double[] reference)
    {
        var sorted = points.Select((p, i) => (p, i)).OrderBy(x => x.p[0]).ThenBy(x => -x.p[1]).ThenBy(x => x.i).Select(x => x.p);
        var volume = 0.0;
        foreach (var p in sorted)
        {
            if (reference[1] < p[1]) continue;
            volume += Box(p, reference);
            reference[1] = p[1];
        }
        return volume;
    }

    /// <summary>|Π (a − b)| in objective order (numpy's prod of the difference).</summary>
    private static double Box(double[] a, double[] b)
    {
        var product = 1.0;
        for (var k = 0; k < a.Length; k++) product *= a[k] - b[k];
        return Math.Abs(product);
    }

    private static double Product(double[] xs)
    {
        var product = 1.0;
        foreach (var x in xs) product *= x;
        return product;
    }
}
