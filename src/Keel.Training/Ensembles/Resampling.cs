using Keel.Core.Models;
using Keel.Data;

namespace Keel.Training.Ensembles;

/// <summary>The row draws of the ensembles: k-fold assignment for stacking's out-of-fold predictions and bootstrap samples for
/// bagging; both stratified by class for classification, and seeded.</summary>
internal static class Resampling
{
    /// <summary>The fold (0 to <paramref name="folds"/> − 1) of every row, cut by Keel.Data's <see cref="Keel.Data.Folds"/> (the folds of
    /// the pipeline's cross-validated selection): stratified by class for classification, shuffled rows otherwise; seeded.</summary>
    public static int[] Folds(EncodedLabels labels, int folds, int seed)
    {
        var request = new FoldRequest
        {
            Kind = labels.ClassIndices is null ? FoldKind.Random : FoldKind.Stratified,
            K = folds,
            Seed = seed,
            Classes = labels.ClassIndices,
        };
        var fold = new int[labels.Count];
        foreach (var f in Keel.Data.Folds.Make(Enumerable.Range(0, labels.Count).ToArray(), request))
        {
            foreach (var row in f.Validation) fold[row] = f.Index;
        }
        return fold;
    }

    /// <summary>A bootstrap sample: as many rows as there are, drawn with replacement (within each class for classification, so
    /// every replica sees every class as often as the data holds it), in ascending row order.</summary>
    public static int[] Bootstrap(EncodedLabels labels, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<int>(labels.Count);
        foreach (var group in Groups(labels))
        {
            for (var i = 0; i < group.Length; i++) rows.Add(group[rng.Next(group.Length)]);
        }
        rows.Sort();
        return [.. rows];
    }

    private static IEnumerable<int[]> Groups(EncodedLabels labels)
    {
        if (labels.ClassIndices is not { } y) return [Enumerable.Range(0, labels.Count).ToArray()];
        return Enumerable.Range(0, labels.Classes.Count).Select(k => Enumerable.Range(0, y.Length).Where(i => y[i] == k).ToArray());
    }
}
