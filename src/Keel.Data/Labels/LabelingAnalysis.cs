namespace Keel.Data.Labels;

/// <summary>How one labelling function behaves on the rows (fractions of all rows, as Snorkel's LFAnalysis).</summary>
/// <param name="Coverage">Rows it votes on.</param>
/// <param name="Overlap">Rows it votes on where another function votes too.</param>
/// <param name="Conflict">Rows it votes on where another function votes a different class.</param>
/// <param name="GoldRows">Rows with a gold label where it votes.</param>
/// <param name="EmpiricalAccuracy">Share of <paramref name="GoldRows"/> it labels right, or null without gold rows.</param>
public sealed record FunctionStats(double Coverage, double Overlap, double Conflict, int GoldRows, double? EmpiricalAccuracy);

/// <summary>Coverage, overlap, conflict and empirical accuracy of labelling functions.</summary>
public static class LabelingAnalysis
{
    /// <summary>Per function, its statistics; <paramref name="gold"/> holds a class index per row or -1 where unknown (null: none).</summary>
    public static IReadOnlyList<FunctionStats> Analyse(IReadOnlyList<int[]> votes, int[]? gold)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var n = votes.Count == 0 ? 0 : votes[0].Length;
        var result = new List<FunctionStats>();
        for (var j = 0; j < votes.Count; j++)
        {
            int covered = 0, overlap = 0, conflict = 0, goldRows = 0, right = 0;
            for (var i = 0; i < n; i++)
            {
                var v = votes[j][i];
                if (v < 0) continue;
                covered++;
                bool other = false, differs = false;
                for (var o = 0; o < votes.Count; o++)
                {
                    if (o == j || votes[o][i] < 0) continue;
                    other = true;
                    differs |= votes[o][i] != v;
                }
                if (other) overlap++;
                if (differs) conflict++;
                if (gold is not null && gold[i] >= 0)
                {
                    goldRows++;
                    if (gold[i] == v) right++;
                }
            }
            double Share(int c) => n == 0 ? 0 : (double)c / n;
            result.Add(new FunctionStats(Share(covered), Share(overlap), Share(conflict), goldRows, goldRows == 0 ? null : (double)right / goldRows));
        }
        return result;
    }

    /// <summary>Accuracy of <paramref name="predicted"/> (-1: no label) against <paramref name="gold"/> (-1: unknown) on rows that have both.</summary>
    public static (int Rows, double? Accuracy) Accuracy(int[] predicted, int[] gold)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(gold);
        int rows = 0, right = 0;
        for (var i = 0; i < predicted.Length; i++)
        {
            if (predicted[i] < 0 || gold[i] < 0) continue;
            rows++;
            if (predicted[i] == gold[i]) right++;
        }
        return (rows, rows == 0 ? null : (double)right / rows);
    }
}
