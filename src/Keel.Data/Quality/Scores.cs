namespace Keel.Data.Quality;

/// <summary>Ranking and fit scores used by the checks: ROC AUC with tied scores counted half, and R².</summary>
internal static class Scores
{
    /// <summary>ROC AUC of <paramref name="scores"/> for the rows where <paramref name="positive"/> is true; NaN when one side is empty.</summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double pos = 0, neg = 0, rankSum = 0;
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j < order.Length && scores[order[j]] == scores[order[i]]) j++;
            var rank = (i + j + 1) / 2.0; // mean 1-based rank of the tie group
            for (var k = i; k < j; k++)
            {
                if (positive[order[k]])
                {
                    pos++;
                    rankSum += rank;
                }
                else neg++;
            }
            i = j;
        }
        return pos == 0 || neg == 0 ? double.NaN : (rankSum - pos * (pos + 1) / 2) / (pos * neg);
    }

    /// <summary>Coefficient of determination of <paramref name="predicted"/> for <paramref name="actual"/>; NaN for a constant actual.</summary>
    public static double R2(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        var mean = actual.Average();
        double ssRes = 0, ssTot = 0;
        for (var i = 0; i < actual.Count; i++)
        {
            ssRes += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
            ssTot += (actual[i] - mean) * (actual[i] - mean);
        }
        return ssTot == 0 ? double.NaN : 1 - ssRes / ssTot;
    }
}
