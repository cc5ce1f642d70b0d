using Keel.Core.Models;

namespace Keel.Training.Ensembles;

/// <summary>The row draws of the ensembles: k-fold assignment for stacking's out-of-fold predictions and bootstrap samples for
/// bagging; both stratified by class for classification, and seeded.</summary>
/// <remarks>A small helper of the ensembles alone; the pipeline's cross-validated selection has its own folds (Keel.Data).</remarks>
internal static class Resampling
{
    /// <summary>The fold (0 to <paramref name="folds"/> − 1) of every row: rows shuffled with <paramref name="seed"/>, then dealt
    /// round-robin (class by class for classification, so every fold holds each class in about its share).</summary>
    public static int[] Folds(EncodedLabels labels, int folds, int seed)
    {
        var rng = new Random(seed);
        var fold = new int[labels.Count];
        var next = 0;
        foreach (var group in Groups(labels))
        {
            rng.Shuffle(group);
            foreach (var row in group) fold[row] = next++ % folds;
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
