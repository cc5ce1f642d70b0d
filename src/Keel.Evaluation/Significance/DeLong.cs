namespace Keel.Evaluation.Significance;

/// <summary>DeLong's test for two correlated ROC AUCs on the same rows (DeLong, DeLong and Clarke-Pearson 1988), with Sun and Xu's
/// midrank algorithm (2014): O(n log n) instead of comparing every positive with every negative.</summary>
internal static class DeLong
{
    /// <summary>AUC of each model, their difference (a − b), its standard error and the two-sided p-value of z = diff / se.</summary>
    public static (double AucA, double AucB, double Difference, double StdError, double PValue) Test(int[] truth, double[] a, double[] b)
    {
        var pos = Enumerable.Range(0, truth.Length).Where(i => truth[i] == 1).ToArray();
        var neg = Enumerable.Range(0, truth.Length).Where(i => truth[i] != 1).ToArray();
        if (pos.Length == 0 || neg.Length == 0) return (double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var (aucA, v10A, v01A) = Components(pos, neg, a);
        var (aucB, v10B, v01B) = Components(pos, neg, b);
        var varianceOfDiff = VarDiff(v10A, v10B) / pos.Length + VarDiff(v01A, v01B) / neg.Length;
        var diff = aucA - aucB;
        if (!(varianceOfDiff > 0)) return (aucA, aucB, diff, 0, diff == 0 ? 1 : 0);
        var se = Math.Sqrt(varianceOfDiff);
        return (aucA, aucB, diff, se, Distributions.NormalTwoSided(diff / se));
    }

    /// <summary>The AUC and the structural components V10 (per positive) and V01 (per negative) from midranks.</summary>
    private static (double Auc, double[] V10, double[] V01) Components(int[] pos, int[] neg, double[] score)
    {
        int m = pos.Length, n = neg.Length;
        var x = pos.Select(i => score[i]).ToArray();
        var y = neg.Select(i => score[i]).ToArray();
        var tx = MidRanks(x);
        var ty = MidRanks(y);
        var tz = MidRanks([.. x, .. y]);
        var v10 = new double[m];
        var v01 = new double[n];
        for (var i = 0; i < m; i++) v10[i] = (tz[i] - tx[i]) / n;
        for (var j = 0; j < n; j++) v01[j] = 1 - (tz[m + j] - ty[j]) / m;
        return (v10.Average(), v10, v01);
    }

    /// <summary>Sample variance (n − 1) of the per-row difference, i.e. S_aa + S_bb − 2 S_ab.</summary>
    private static double VarDiff(double[] a, double[] b)
    {
        if (a.Length < 2) return 0;
        var d = a.Zip(b, (p, q) => p - q).ToArray();
        var mean = d.Average();
        return d.Sum(v => (v - mean) * (v - mean)) / (d.Length - 1);
    }

    /// <summary>1-based ranks with ties given their mean rank.</summary>
    private static double[] MidRanks(double[] v)
    {
        var order = Enumerable.Range(0, v.Length).ToArray();
        Array.Sort(order, (p, q) => v[p].CompareTo(v[q]));
        var ranks = new double[v.Length];
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]]) j++;
            var mid = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++) ranks[order[k]] = mid;
            i = j + 1;
        }
        return ranks;
    }
}
