using Keel.Core.Data;

namespace Keel.Data.Quality;

/// <summary>A cheap classifier for the label-noise check: naive Bayes over discretised columns, scored out of fold.</summary>
internal static class NaiveBayes
{
    /// <summary>Out-of-fold class probabilities for every row: each fold is scored by a model fitted on the other folds.</summary>
    public static double[][] OutOfFold(Table features, int[] classes, int classCount, int folds, int seed)
    {
        var n = classes.Length;
        var all = Enumerable.Range(0, n).ToArray();
        var columns = features.Columns.Where(c => c.Type != ColumnType.Text)
            .Select(c => (Codes: Discretizer.Codes(c, all, 10, 50, out var k), Count: k)).ToArray();
        var fold = new int[n];
        var random = new Random(seed);
        var order = all.OrderBy(_ => random.Next()).ToArray();
        for (var i = 0; i < n; i++) fold[order[i]] = i % folds;

        var probabilities = new double[n][];
        for (var f = 0; f < folds; f++)
        {
            var prior = new double[classCount];
            var counts = columns.Select(c => new double[c.Count, classCount]).ToArray();
            for (var r = 0; r < n; r++)
            {
                if (fold[r] == f) continue;
                prior[classes[r]]++;
                for (var j = 0; j < columns.Length; j++) counts[j][columns[j].Codes[r], classes[r]]++;
            }
            for (var r = 0; r < n; r++)
            {
                if (fold[r] != f) continue;
                var log = new double[classCount];
                for (var k = 0; k < classCount; k++)
                {
                    log[k] = Math.Log(prior[k] + 1);
                    for (var j = 0; j < columns.Length; j++)
                        log[k] += Math.Log((counts[j][columns[j].Codes[r], k] + 1) / (prior[k] + columns[j].Count));
                }
                var max = log.Max();
                var p = log.Select(x => Math.Exp(x - max)).ToArray();
                var sum = p.Sum();
                probabilities[r] = p.Select(x => x / sum).ToArray();
            }
        }
        return probabilities;
    }
}
