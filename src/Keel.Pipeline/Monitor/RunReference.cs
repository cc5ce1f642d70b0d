using Keel.Monitoring.Reference;

namespace Keel.Pipeline.Monitor;

/// <summary>The monitoring reference a run stores with its model: the feature columns of the rows the final model learned
/// from, and the model's answers on the test split (out-of-sample, as the answers it will give in service).</summary>
internal static class RunReference
{
    public static ReferenceProfile Build(PreparedRun run, CandidateOutcome final, bool refit, ReferenceOptions? options = null)
    {
        int[] rows = refit ? [.. run.Split.Train, .. run.Split.Validation] : run.Split.Train;
        var inputs = run.Features.Take(rows).Columns;
        var outputs = final.TestPredictions is { Count: > 0 } p ? OutputColumns.From(p) : [];
        var source = $"{rows.Length} training rows of {Path.GetFileName(run.Data.Path)}; outputs on {final.TestPredictions?.Count ?? 0} test rows";
        var positive = final.TestPredictions?.Classes is { Count: 2 } classes ? classes[1] : null;
        return ReferenceBuilder.Build(inputs, outputs, source, options) with
        {
            Rows = rows.Length, PositiveClass = positive,
            OtherColumns = [.. run.Data.Table.Columns.Select(c => c.Name).Where(n => !run.Features.Contains(n))],
        };
    }
}
