namespace Keel.Training;

/// <summary>A configured trainer: options only, never changed by <see cref="Fit"/>.</summary>
public interface ITrainer
{
    /// <summary>The trainer type, e.g. "lightgbm".</summary>
    string Type { get; }

    /// <summary>Whether this is a baseline (random, zero_rule, heuristic) rather than a candidate.</summary>
    bool IsBaseline { get; }

    /// <summary>Every option with its default filled in, formatted invariantly (for tracking).</summary>
    IReadOnlyDictionary<string, string> EffectiveParams { get; }

    /// <summary>Learns a model from <paramref name="train"/>; <paramref name="validation"/> only feeds the loss curve.</summary>
    FitResult Fit(TrainingData train, TrainingData? validation, TrainContext context);
}
