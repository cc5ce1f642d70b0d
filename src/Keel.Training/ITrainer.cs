namespace Keel.Training;

/// <summary>A configured trainer: options only, never changed by <see cref="Fit"/>.</summary>
public interface ITrainer
{
    /// <summary>The trainer type, e.g. "lightgbm".</summary>
    string Type { get; }

    /// <summary>Whether this is a baseline (random, zero_rule, heuristic) rather than a candidate.</summary>
    bool IsBaseline { get; }

    /// <summary>Whether <see cref="Fit"/> weights rows by <see cref="TrainingData.Weights"/>; trainers that do not ignore them. Default false.</summary>
    bool HonoursWeights => false;

    /// <summary>Whether <see cref="Fit"/> learns anything from its validation rows (early stopping, calibration), so that scoring it on
    /// them would flatter it. Default false.</summary>
    bool UsesValidation => false;

    /// <summary>Every option with its default filled in, formatted invariantly (for tracking).</summary>
    IReadOnlyDictionary<string, string> EffectiveParams { get; }

    /// <summary>Learns a model from <paramref name="train"/>; <paramref name="validation"/> feeds the loss curve, early
    /// stopping (boosted trainers) and probability calibration (fastforest), never the model's own parameters.</summary>
    FitResult Fit(TrainingData train, TrainingData? validation, TrainContext context);

    /// <summary>The trainer for refitting on train + validation after <paramref name="fit"/>: a boosted trainer that stopped
    /// early trains the best round count it found; others are returned unchanged.</summary>
    ITrainer ForRefit(FitResult fit) => this;

    /// <summary>The boosting rounds without improvement on validation rows after which this trainer stops early (early_stopping_rounds);
    /// 0 when it does not stop early, and for every trainer that does not boost. Default 0.</summary>
    int EarlyStoppingRounds => 0;

    /// <summary>A boosted trainer training <paramref name="rounds"/> rounds (its own round count when null) with early stopping off,
    /// its <see cref="EffectiveParams"/> saying so; others are returned unchanged.</summary>
    ITrainer WithoutEarlyStopping(int? rounds) => this;

    /// <summary>The trainer with its row-count-dependent defaults (LightGBM's categorical limits, random_forest's tree count) fixed
    /// for fits on <paramref name="rows"/> training rows, its <see cref="EffectiveParams"/> showing them; a run fixes them once from
    /// its training rows so every fit in it (cv folds, refit) uses the same. Unfixed, each fit uses its own row count. Others: unchanged.</summary>
    ITrainer ForTrainingRows(long rows) => this;
}
