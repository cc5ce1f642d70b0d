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
    public static IFittedModel Load(Stream stream) => Open(stream).Model;

    /// <summary>Loads a package with what it records about the data the model was trained on.</summary>
    /// <exception cref="Keel.Core.KeelInputException">The stream is not a readable package.</exception>
    public static OpenedPackage Open(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (manifest, model) = PackageIO.Read(stream);
        IFittedModel fitted;
        if (manifest.Ensemble is not null) fitted = Ensembles.EnsembleModel.Load(manifest, model);
        else if (manifest.Type is "random" or "zero_rule" or "heuristic") fitted = BaselineModel.Load(manifest);
        else if (manifest.Type == "random_forest") fitted = Forest.RandomForestModel.Load(manifest, model);
        else fitted = manifest.Ridge is not null ? RidgeModel.Load(manifest) : MlNetModel.Load(manifest, model);
        if (manifest.Decision is { } rule) fitted = new DecidedModel(fitted, rule);
        return new OpenedPackage(fitted, manifest.MissingTokens);
    }

    /// <summary>A binary model that applies <paramref name="rule"/> (calibration, decision threshold) to every prediction, and stores
    /// it in its package; <paramref name="model"/> itself when the rule is null or the model is not binary.</summary>
    public static IFittedModel WithDecision(IFittedModel model, Keel.Core.Models.DecisionRule? rule)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (rule is null || model.Classes.Count != 2) return model;
        return new DecidedModel(model is DecidedModel d ? d.Inner : model, rule);
    }

    /// <summary>The decision rule a loaded model applies, or null when it has none.</summary>
    public static Keel.Core.Models.DecisionRule? DecisionOf(IFittedModel model) => (model as DecidedModel)?.Rule;

    /// <summary>The model without its decision rule (its raw probabilities and the larger-probability answer).</summary>
    public static IFittedModel WithoutDecision(IFittedModel model) => model is DecidedModel d ? d.Inner : model;

    /// <summary>Writes <paramref name="model"/>'s package recording <paramref name="missingTokens"/>, the raw values its
    /// training data read as missing, so serving and batch prediction read inputs the same way.</summary>
    public static void Save(IFittedModel model, Stream stream, IReadOnlyList<string>? missingTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        using var plain = new MemoryStream();
        model.Save(plain);
        if (missingTokens is null)
        {
            plain.Position = 0;
            plain.CopyTo(stream);
            return;
        }
        plain.Position = 0;
        var (manifest, bytes) = PackageIO.Read(plain);
        PackageIO.Write(stream, manifest with { MissingTokens = [.. missingTokens] }, bytes);
    }
}

/// <summary>A loaded model package.</summary>
/// <param name="Model">The model; it predicts exactly as the one that was saved.</param>
/// <param name="MissingTokens">Raw values its training data read as missing; null when the package does not record them
/// (older packages): then the default tokens apply.</param>
public sealed record OpenedPackage(IFittedModel Model, IReadOnlyList<string>? MissingTokens);
