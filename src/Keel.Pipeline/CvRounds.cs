using Keel.Training;
using Keel.Training.MlNet;

namespace Keel.Pipeline;

/// <summary>The round count of a boosted candidate with early stopping under cv selection, chosen as xgb.cv and lgb.cv choose it but
/// kept honest: every fold trains every round on its inner training rows and watches its inner validation rows; the folds' validation
/// losses are averaged per round; the round count is <see cref="EarlyStopping.BestIteration"/> on that mean curve (the same patience).
/// Each fold is then scored by a fit of that many rounds on all its training rows, which never include the rows it is scored on.
/// Shared by keel run's cv (<see cref="CandidateTrainer.CrossValidate"/>) and the search's cv-scored trials.</summary>
internal static class CvRounds
{
    /// <summary>Whether <paramref name="trainer"/>'s cv folds train the round count of the mean inner curve: a boosted trainer with early stopping on.</summary>
    public static bool Applies(ITrainer trainer) => trainer.EarlyStoppingRounds > 0;

    /// <summary>The inner fits (every round, early stopping off, each watching its fold's inner validation rows), fitted in fold order.</summary>
    public static FitResult[] InnerFits(ITrainer trainer, IReadOnlyList<(TrainingData Train, TrainingData? Validation, TrainContext Context)> inner)
    {
        var every = trainer.WithoutEarlyStopping(null);
        return inner.Select(f => every.Fit(f.Train, f.Validation, f.Context)).ToArray();
    }

    /// <summary>The folds' mean validation-loss curve of <paramref name="fits"/> (empty when a fold has no inner validation rows).</summary>
    public static LossCurve Mean(IReadOnlyList<FitResult> fits) => EarlyStopping.MeanValidation(fits.Select(f => f.LossCurve).ToArray());

    /// <summary>The round count every fold and the final fit train: the early-stopping round of the mean curve (patience
    /// <see cref="ITrainer.EarlyStoppingRounds"/>), or null when the mean curve never stopped early (or has no points): every round.</summary>
    public static int? Rounds(ITrainer trainer, LossCurve mean) =>
        EarlyStopping.BestIteration(mean, trainer.EarlyStoppingRounds) is { } best && best < mean.Points[^1].Iteration ? best : null;
}
