using Keel.Training.Baselines;
using Keel.Training.Linear;
using Keel.Training.MlNet;
using Keel.Training.Packaging;

namespace Keel.Training;

/// <summary>Reads model packages written by <see cref="IFittedModel.Save"/>.</summary>
/// <remarks>A package is a zip holding manifest.json (format version, type, task, classes, input schema, effective params,
/// featurizer state or baseline state) and, for ML.NET models, model.zip as written by MLContext.Model.Save.</remarks>
public static class ModelPackage
{
    /// <summary>Loads a package; the model predicts exactly as the one that was saved.</summary>
    /// <exception cref="Keel.Core.KeelInputException">The stream is not a readable package.</exception>
    public static IFittedModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (manifest, model) = PackageIO.Read(stream);
        if (manifest.Type is "random" or "zero_rule" or "heuristic") return BaselineModel.Load(manifest);
        return manifest.Ridge is not null ? RidgeModel.Load(manifest) : MlNetModel.Load(manifest, model);
    }
}
