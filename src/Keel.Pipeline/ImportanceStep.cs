using Keel.Training;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Importance;

namespace Keel.Pipeline;

/// <summary>Permutation importance of the registered model on the test rows (spec evaluation.importance_repeats).</summary>
internal static class ImportanceStep
{
    /// <summary>The importance of each feature column of <paramref name="run"/> in <paramref name="rows"/> (which may hold other columns too)
    /// in the run's selection metric, shuffled with the run's seed; null when evaluation.importance_repeats is 0.</summary>
    public static PermutationImportanceResult? Run(PreparedRun run, IFittedModel model, Table rows, EncodedLabels truth)
    {
        var repeats = run.Spec.Evaluation.ImportanceRepeats;
        if (repeats == 0 || rows.RowCount == 0) return null;
        var columns = run.Features.Columns.Select(c => c.Name).Where(rows.Contains).ToArray();
        return PermutationImportance.Compute(rows, truth, model.Predict, run.Metric,
            new PermutationImportanceOptions { Repeats = repeats, Seed = (ulong)run.Seed }, columns);
    }
}
