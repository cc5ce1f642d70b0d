using Keel.Core.Models;

namespace Keel.Monitoring.Performance;

/// <summary>Predictions joined with their true outcomes, one row each, with the time each prediction was made.</summary>
/// <param name="Truth">The true outcomes, encoded in the classes of <paramref name="Predictions"/>.</param>
/// <param name="Predictions">What the model answered for the same rows.</param>
/// <param name="Times">When each row was predicted (same order).</param>
/// <param name="Unlabelled">Predictions seen without an outcome (not in the rows above).</param>
public sealed record LabelledPredictions(EncodedLabels Truth, Predictions Predictions, IReadOnlyList<DateTimeOffset> Times, int Unlabelled)
{
    /// <summary>Number of labelled rows.</summary>
    public int Count => Truth.Count;

    /// <summary>The rows predicted in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public LabelledPredictions Window(DateTimeOffset from, DateTimeOffset to)
    {
        var rows = Enumerable.Range(0, Count).Where(i => Times[i] >= from && Times[i] < to).ToArray();
        return Take(rows);
    }

    /// <summary>The given rows, in that order.</summary>
    public LabelledPredictions Take(IReadOnlyList<int> rows) => new(Truth.Take(rows), Predictions.Take(rows),
        rows.Select(r => Times[r]).ToArray(), 0);
}
