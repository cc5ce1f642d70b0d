using Keel.Training.Featurization;

namespace Keel.Training;

/// <summary>A fitted model that learns from a featurised vector (the ML.NET candidates); baselines are not.</summary>
/// <remarks>For explanations: <see cref="FeaturizerState.FeatureNames"/> names every slot, e.g. "Home=rent".</remarks>
public interface IFeaturizedModel : IFittedModel
{
    /// <summary>The featurizer's learned state (fit on the train rows only).</summary>
    FeaturizerState Featurizer { get; }

    /// <summary>The feature rows the model sees for <paramref name="features"/> (imputed, encoded and, for linear, standardised).</summary>
    float[][] Featurize(Keel.Core.Data.Table features);
}
