namespace Keel.Data.Labels;

/// <summary>A pair of labelling functions that depend on each other beyond what the class explains.</summary>
/// <param name="A">The first function's index.</param>
/// <param name="B">The second function's index.</param>
/// <param name="Dependence">Their normalised conditional mutual information given the class (0 independent, 1 one fixes the other).</param>
public sealed record CorrelatedPair(int A, int B, double Dependence);

/// <summary>
/// Finds correlated labelling functions: for each pair, the mutual information of their outputs (abstain counted as an output,
/// so functions that fire together, or never together, count as dependent) given the class, divided by the smaller of their
/// conditional entropies. The class comes from gold rows when there are at least <see cref="MinGoldRows"/>, otherwise from
/// each row's share of votes (a soft class, as the label model's start).
/// </summary>
public static class DependencyFinder
{
    /// <summary>Gold rows needed to use gold labels as the class.</summary>
    public const int MinGoldRows = 100;

    /// <summary>The correlated pairs, most dependent first.</summary>
    /// <param name="votes">votes[function][row]: a class index or -1 (abstain).</param>
    /// <param name="classes">How many classes there are.</param>
    /// <param name="threshold">The normalised conditional mutual information above which a pair counts as correlated.</param>
    /// <param name="gold">The known class per row, -1 where unknown; null when none is known.</param>
    public static IReadOnlyList<CorrelatedPair> Find(IReadOnlyList<int[]> votes, int classes, double threshold, int[]? gold = null)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var m = votes.Count;
        var n = m == 0 ? 0 : votes[0].Length;
        var weights = ClassWeights(votes, classes, n, gold);
        var found = new List<CorrelatedPair>();
        var v = classes + 1;
        for (var a = 0; a < m; a++)
        {
            for (var b = a + 1; b < m; b++)
            {
                var joint = new double[classes, v, v];
                double total = 0;
                for (var i = 0; i < n; i++)
                {
                    if (weights[i] is not { } w) continue;
                    for (var y = 0; y < classes; y++)
                    {
                        joint[y, votes[a][i] + 1, votes[b][i] + 1] += w[y];
                        total += w[y];
                    }
                }
                if (total == 0) continue;
                var dependence = NormalisedConditionalInformation(joint, total, classes, v);
                if (dependence > threshold) found.Add(new CorrelatedPair(a, b, dependence));
            }
        }
        return found.OrderByDescending(p => p.Dependence).ToArray();
    }

    /// <summary>Per row, the weight of each class: gold one-hot where known (rows without gold left out), or the vote shares.</summary>
    private static double[]?[] ClassWeights(IReadOnlyList<int[]> votes, int classes, int n, int[]? gold)
    {
        var weights = new double[]?[n];
        if (gold is not null && gold.Count(g => g >= 0) >= MinGoldRows)
        {
            for (var i = 0; i < n; i++)
            {
                if (gold[i] < 0) continue;
                weights[i] = new double[classes];
                weights[i]![gold[i]] = 1;
            }
            return weights;
        }
        return LabelModel.VoteShares(votes, classes, n);
    }

    private static double NormalisedConditionalInformation(double[,,] joint, double total, int classes, int v)
    {
        double information = 0, entropyA = 0, entropyB = 0;
        for (var y = 0; y < classes; y++)
        {
            var marginalA = new double[v];
            var marginalB = new double[v];
            double py = 0;
            for (var s = 0; s < v; s++)
            {
                for (var t = 0; t < v; t++)
                {
                    marginalA[s] += joint[y, s, t];
                    marginalB[t] += joint[y, s, t];
                    py += joint[y, s, t];
                }
            }
            if (py == 0) continue;
            for (var s = 0; s < v; s++)
            {
                if (marginalA[s] > 0) entropyA -= marginalA[s] / total * Math.Log(marginalA[s] / py);
                if (marginalB[s] > 0) entropyB -= marginalB[s] / total * Math.Log(marginalB[s] / py);
                for (var t = 0; t < v; t++)
                {
                    var p = joint[y, s, t];
                    if (p > 0) information += p / total * Math.Log(p * py / (marginalA[s] * marginalB[t]));
                }
            }
        }
        var smaller = Math.Min(entropyA, entropyB);
        return smaller < 1e-9 ? 0 : information / smaller;
    }
}
