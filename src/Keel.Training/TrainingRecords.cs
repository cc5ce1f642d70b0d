using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Training;

/// <summary>Rows to learn from: the feature columns only (label and ignored columns already dropped) and the encoded labels.</summary>
public sealed record TrainingData(Table Features, EncodedLabels Labels)
{
    /// <summary>One example weight per row (class weights × row weights), honoured by trainers whose <see cref="ITrainer.HonoursWeights"/>
    /// is true. Default null: every row weighs 1.</summary>
    public double[]? Weights { get; init; }

    /// <summary>Refuses rows a <paramref name="task"/> model cannot learn from: none at all, or fewer than two classes for a classifier.</summary>
    internal void EnsureTrainable(TaskKind task, string where, string sourceName)
    {
        if (task != TaskKind.Regression && (Labels.ClassIndices is null || Labels.Classes.Count < 2))
            throw new KeelInputException($"{where}: {sourceName} needs at least two label classes to train a classifier.");
        if (Features.RowCount == 0)
            throw new KeelInputException($"{where}: {sourceName} has no training rows.");
    }
}

/// <summary>What a fit may depend on besides the data: the run's seed, the data's name (used in error messages) and,
/// per date-time column, the date parts to make (<see cref="Featurization.FeaturizerOptions.DateParts"/>; default every part).</summary>
public sealed record TrainContext(int Seed, string SourceName, IReadOnlyDictionary<string, IReadOnlyList<string>>? DateParts = null)
{
    /// <summary>Featurised matrices shared between fits on the same tables; null (the default) featurises afresh for each fit.</summary>
    public Featurization.FeatureCache? Features { get; init; }

    /// <summary>The spec's features section (<see cref="Featurization.FeaturizerOptions.Engineering"/>); null (the default) keeps Keel's defaults.</summary>
    public Keel.Core.Spec.FeaturesSpec? Engineering { get; init; }
}

/// <summary>The loss after <paramref name="Iteration"/> boosting rounds (1-based) on train and, when given, validation.</summary>
public sealed record LossPoint(int Iteration, double Train, double? Validation);

/// <summary>Per-iteration losses of a boosted model; <paramref name="Metric"/> is "log_loss" (classification) or "rmse" (regression).</summary>
public sealed record LossCurve(string Metric, IReadOnlyList<LossPoint> Points);

/// <summary>The outcome of a fit: the learned model and, for boosted trainers, its loss curve.</summary>
public sealed record FitResult(IFittedModel Model, LossCurve? LossCurve)
{
    /// <summary>Boosted trainers stopped early on validation: the round with the lowest validation loss, where the model ends
    /// (the curve goes on to where training stopped); null when every round was kept.</summary>
    public int? BestIteration { get; init; }
}
