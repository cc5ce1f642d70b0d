namespace Keel.Data.Labels;

/// <summary>A pair of labelling functions that agree more than conditional independence allows.</summary>
/// <param name="A">The first function's index.</param>
/// <param name="B">The second function's index.</param>
/// <param name="Excess">Observed centred agreement minus what the independent fit implies.</param>
public sealed record CorrelatedPair(int A, int B, double Excess);

/// <summary>
/// Finds correlated labelling functions from their votes alone. With symmetric errors, two conditionally independent functions
/// of accuracies a and b agree on k classes so that the centred agreement (k·P(agree) − 1)/(k − 1) equals ρa·ρb, with
/// ρ = (k·accuracy − 1)/(k − 1): the matrix of centred agreements is rank one off its diagonal. A robust (least absolute
/// deviations) rank-one fit is made; pairs far above it are correlated, are left out, and the fit is made again
/// (the triplet idea of FlyingSquid, with sparse outliers as in Varma et al. 2019).
/// </summary>
public static class DependencyFinder
{
    /// <summary>A pair needs at least this many rows where both vote to be judged.</summary>
    public const int MinOverlap = 30;

    /// <summary>The correlated pairs, largest excess first.</summary>
    /// <remarks>From votes alone the fit cannot tell a clique of correlated functions from accurate independent ones when the
    /// clique is the larger part; gold labels settle it: a function with at least <see cref="MinOverlap"/> gold rows among those
    /// it votes on has its ρ taken from its empirical accuracy there instead of fitted.</remarks>
    /// <param name="votes">votes[function][row]: a class index or -1 (abstain).</param>
    /// <param name="classes">How many classes there are.</param>
    /// <param name="threshold">The excess above which a pair counts as correlated.</param>
    /// <param name="gold">The known class per row, -1 where unknown; null when none is known.</param>
    public static IReadOnlyList<CorrelatedPair> Find(IReadOnlyList<int[]> votes, int classes, double threshold, int[]? gold = null)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var m = votes.Count;
        var agreement = new double[m, m];
        var known = new bool[m, m];
        for (var a = 0; a < m; a++)
        {
            for (var b = a + 1; b < m; b++)
            {
                int both = 0, same = 0;
                for (var i = 0; i < votes[a].Length; i++)
                {
                    if (votes[a][i] < 0 || votes[b][i] < 0) continue;
                    both++;
                    if (votes[a][i] == votes[b][i]) same++;
                }
                if (both < MinOverlap) continue;
                agreement[a, b] = agreement[b, a] = (classes * (double)same / both - 1) / (classes - 1);
                known[a, b] = known[b, a] = true;
            }
        }

        var anchored = new double?[m];
        if (gold is not null)
        {
            var stats = LabelingAnalysis.Analyse(votes, gold);
            for (var a = 0; a < m; a++)
                if (stats[a] is { GoldRows: >= MinOverlap, EmpiricalAccuracy: { } acc }) anchored[a] = (classes * acc - 1) / (classes - 1);
        }
        var excluded = new bool[m, m];
        var found = new List<CorrelatedPair>();
        // A few rounds: each round drops the pairs it found from the fit, so the next fit sees the independent structure.
        for (var round = 0; round < 5; round++)
        {
            var rho = RankOne(agreement, known, excluded, anchored);
            var added = false;
            for (var a = 0; a < m; a++)
            {
                for (var b = a + 1; b < m; b++)
                {
                    if (!known[a, b] || excluded[a, b]) continue;
                    var excess = agreement[a, b] - rho[a] * rho[b];
                    if (excess <= threshold) continue;
                    excluded[a, b] = excluded[b, a] = true;
                    found.Add(new CorrelatedPair(a, b, excess));
                    added = true;
                }
            }
            if (!added) break;
        }
        return found.OrderByDescending(p => p.Excess).ToArray();
    }

    /// <summary>ρ minimising Σ |M_ab − ρa·ρb| over the usable pairs: alternating weighted medians from a common start.</summary>
    private static double[] RankOne(double[,] agreement, bool[,] known, bool[,] excluded, double?[] anchored)
    {
        var m = anchored.Length;
        var all = new List<double>();
        for (var a = 0; a < m; a++) for (var b = a + 1; b < m; b++) if (known[a, b] && !excluded[a, b]) all.Add(agreement[a, b]);
        // A common start: every function alike, so no group of them outweighs the rest before the fit has looked at the data.
        var start = all.Count == 0 ? 0.5 : Math.Sqrt(Math.Max(Median(all), 1e-4));
        var rho = anchored.Select(a => a ?? start).ToArray();
        for (var iteration = 0; iteration < 50; iteration++)
        {
            var change = 0.0;
            for (var a = 0; a < m; a++)
            {
                var ratios = new List<(double Value, double Weight)>();
                for (var b = 0; b < m; b++)
                {
                    if (b == a || !known[a, b] || excluded[a, b] || Math.Abs(rho[b]) < 1e-6) continue;
                    ratios.Add((agreement[a, b] / rho[b], Math.Abs(rho[b])));
                }
                if (ratios.Count == 0 || anchored[a] is not null) continue;
                var next = Math.Clamp(WeightedMedian(ratios), -1, 1);
                change = Math.Max(change, Math.Abs(next - rho[a]));
                rho[a] = next;
            }
            if (change < 1e-6) break;
        }
        return rho;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double WeightedMedian(List<(double Value, double Weight)> items)
    {
        var sorted = items.OrderBy(x => x.Value).ToArray();
        var half = sorted.Sum(x => x.Weight) / 2;
        var running = 0.0;
        foreach (var (value, weight) in sorted)
        {
            running += weight;
            if (running >= half) return value;
        }
        return sorted[^1].Value;
    }
}
