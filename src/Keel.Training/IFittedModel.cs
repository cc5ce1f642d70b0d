using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Training;

/// <summary>A trained model: learned state only, immutable; predicts from raw feature columns.</summary>
public interface IFittedModel
{
    /// <summary>The trainer type that produced it, e.g. "lightgbm".</summary>
    string Type { get; }

    /// <summary>The task it was trained for.</summary>
    TaskKind Task { get; }

    /// <summary>Class names in probability order (classification); empty for regression.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>The feature columns it expects (matched by name).</summary>
    DataSchema InputSchema { get; }

    /// <summary>Predicts every row of <paramref name="features"/>; extra columns are ignored.</summary>
    /// <exception cref="Keel.Core.KeelInputException">An expected column is missing or has the wrong type.</exception>
    Predictions Predict(Table features);

    /// <summary>Writes the model package (a zip with manifest.json and, for ML.NET models, model.zip).</summary>
    void Save(Stream stream);
}
