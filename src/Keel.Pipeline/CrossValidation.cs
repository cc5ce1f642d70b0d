using System.Text.Json.Serialization;
using Keel.Core.Models;

namespace Keel.Pipeline;

/// <summary>One candidate cross-validated over a run's folds: every metric per fold, their mean and spread, and the out-of-fold predictions.</summary>
/// <param name="Folds">Number of folds.</param>
/// <param name="FoldMetrics">Each fold's validation metrics, in fold order.</param>
/// <param name="Mean">Per metric defined on every fold: the mean over folds (what selection compares).</param>
/// <param name="Std">Per metric defined on every fold: the sample standard deviation over folds (n − 1).</param>
public sealed record CrossValidation(
    int Folds,
    IReadOnlyList<IReadOnlyDictionary<string, double>> FoldMetrics,
    IReadOnlyDictionary<string, double> Mean,
    IReadOnlyDictionary<string, double> Std)
{
    /// <summary>Every fold's validation predictions gathered in row order (for stacking and the report); not written to <c>--json</c>.</summary>
    [JsonIgnore] public OutOfFoldPredictions OutOfFold { get; init; } = null!;

    /// <summary>The round count of a boosted candidate with early stopping, chosen on its folds' mean inner validation curve (<see cref="CvRounds"/>),
    /// which every fold and its final fit train; null when that curve did not stop early, and for every other candidate.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? BestIteration { get; init; }

    /// <summary>Each fold's inner validation curve (every round, in fold order) of a boosted candidate with early stopping; empty otherwise.
    /// Not written to <c>--json</c>.</summary>
    [JsonIgnore] public IReadOnlyList<Keel.Training.LossCurve?> InnerCurves { get; init; } = [];

    /// <summary>The folds' mean inner validation curve that chose <see cref="BestIteration"/> (<see cref="CvRounds"/>), or null when
    /// <see cref="InnerCurves"/> is empty; tracked as <c>CANDIDATE.loss.cv_validation</c> and drawn in the report. Not written to <c>--json</c>.</summary>
    [JsonIgnore] public Keel.Training.LossCurve? InnerMean { get; init; }

    /// <summary>Mean and sample standard deviation of each metric that every fold defines.</summary>
    public static CrossValidation Summarise(IReadOnlyList<IReadOnlyDictionary<string, double>> folds)
    {
        ArgumentNullException.ThrowIfNull(folds);
        var mean = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var std = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in folds.SelectMany(f => f.Keys).Distinct())
        {
            var values = folds.Select(f => f.TryGetValue(name, out var v) ? v : double.NaN).ToArray();
            if (values.Any(v => !double.IsFinite(v))) continue;
            var m = values.Average();
            mean[name] = m;
            std[name] = values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - m) * (v - m)) / (values.Length - 1));
        }
        return new CrossValidation(folds.Count, folds, mean, std);
    }
}

/// <summary>Out-of-fold predictions: each validated training row (table row index, ascending) with the prediction of the fold model that
/// did not train on it. Random, stratified and grouped folds cover every training row; forward chaining leaves out its first block.</summary>
/// <param name="Rows">Table row indices, ascending.</param>
/// <param name="Predictions">One prediction per entry of <paramref name="Rows"/>, in the same order.</param>
public sealed record OutOfFoldPredictions(int[] Rows, Predictions Predictions)
{
    /// <summary>Gathers per-fold validation predictions (rows and predictions in matching order) into one set in row order.</summary>
    public static OutOfFoldPredictions Gather(IReadOnlyList<(int[] Rows, Predictions Predictions)> folds)
    {
        ArgumentNullException.ThrowIfNull(folds);
        var first = folds[0].Predictions;
        var entries = folds.SelectMany(f => f.Rows.Select((row, i) => (row, f.Predictions, i))).OrderBy(e => e.row).ToArray();
        return new OutOfFoldPredictions(entries.Select(e => e.row).ToArray(), first with
        {
            Probabilities = first.Probabilities is null ? null : entries.Select(e => e.Predictions.Probabilities![e.i]).ToArray(),
            Values = first.Values is null ? null : entries.Select(e => e.Predictions.Values![e.i]).ToArray(),
        });
    }
}
