namespace Keel.Data.Labels;

/// <summary>Agreement between annotators who labelled the same rows.</summary>
public static class Agreement
{
    /// <summary>Cohen's kappa of two annotators' labels of the same items (as scikit-learn's cohen_kappa_score, unweighted);
    /// null when chance agreement is 1 (both gave one and the same label throughout).</summary>
    public static double? CohensKappa(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException("Both annotators must label the same items.", nameof(b));
        var n = a.Count;
        if (n == 0) return null;
        var observed = Enumerable.Range(0, n).Count(i => a[i] == b[i]) / (double)n;
        var ca = a.GroupBy(x => x, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var cb = b.GroupBy(x => x, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var expected = ca.Sum(kv => kv.Value * (double)cb.GetValueOrDefault(kv.Key)) / ((double)n * n);
        return expected >= 1 ? null : (observed - expected) / (1 - expected);
    }

    /// <summary>Fleiss' kappa of items each rated by the same number of raters (statsmodels' fleiss_kappa, method 'fleiss'):
    /// <paramref name="counts"/>[item][category] is how many raters put the item in the category. Null when chance agreement is 1.</summary>
    public static double? FleissKappa(IReadOnlyList<int[]> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0) return null;
        var raters = counts[0].Sum();
        if (raters < 2 || counts.Any(r => r.Sum() != raters))
            throw new ArgumentException("Every item needs the same number of ratings, at least two.", nameof(counts));
        var categories = counts[0].Length;
        var items = counts.Count;
        var pCat = new double[categories];
        double pMean = 0;
        foreach (var row in counts)
        {
            double squares = 0;
            for (var c = 0; c < categories; c++)
            {
                pCat[c] += row[c];
                squares += row[c] * (double)row[c];
            }
            pMean += (squares - raters) / (raters * (raters - 1.0));
        }
        pMean /= items;
        var pExpected = pCat.Sum(p => p / (items * (double)raters) * (p / (items * (double)raters)));
        return pExpected >= 1 ? null : (pMean - pExpected) / (1 - pExpected);
    }

    /// <summary>Share of pairs of ratings of one item that agree, averaged over items with at least two ratings; null when there are none.</summary>
    public static double? PairwiseAgreement(IEnumerable<IReadOnlyList<string>> ratingsPerItem)
    {
        ArgumentNullException.ThrowIfNull(ratingsPerItem);
        double sum = 0;
        var items = 0;
        foreach (var ratings in ratingsPerItem)
        {
            var r = ratings.Count;
            if (r < 2) continue;
            var same = ratings.GroupBy(x => x, StringComparer.Ordinal).Sum(g => g.Count() * (g.Count() - 1.0));
            sum += same / (r * (r - 1.0));
            items++;
        }
        return items == 0 ? null : sum / items;
    }
}
