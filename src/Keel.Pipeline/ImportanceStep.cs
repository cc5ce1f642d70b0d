using Keel.Training;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Importance;

namespace Keel.Pipeline;

/// <summary>Permutation importance of the registered model on the test rows (spec evaluation.importance_repeats).</summary>
internal static class ImportanceStep
{
    /// <summary>At most this many test rows are shuffled (a seeded sample of larger test splits, as scikit-learn's max_samples):
    /// columns × repeats predictions of them are made.</summary>
    public const int MaxRows = 10_000;

    /// <summary>The importance of each feature column of <paramref name="run"/> in <paramref name="rows"/> (which may hold other columns too)
    /// in the run's selection metric, shuffled with the run's seed; null when evaluation.importance_repeats is 0.</summary>
    public static PermutationImportanceResult? Run(PreparedRun run, IFittedModel model, Table rows, EncodedLabels truth)
    {
        var repeats = run.Spec.Evaluation.ImportanceRepeats;
        if (repeats == 0 || rows.RowCount == 0) return null;
        var columns = run.Features.Columns.Select(c => c.Name).Where(rows.Contains).ToArray();
        if (rows.RowCount > MaxRows)
        {
            var sample = PermutationImportance.Permutations(rows.RowCount, 1, (ulong)run.Seed)[0].Take(MaxRows).Order().ToArray();
            (rows, truth) = (rows.Take(sample), truth.Take(sample));
        }
        return PermutationImportance.Compute(rows, truth, model.Predict, run.Metric,
            new PermutationImportanceOptions { Repeats = repeats, Seed = (ulong)run.Seed }, columns);
    }
}
