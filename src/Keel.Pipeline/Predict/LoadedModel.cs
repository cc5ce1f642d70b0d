using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Training;

namespace Keel.Pipeline.Predict;

/// <summary>A registered version loaded, verified and warmed up: what the server and `keel predict` predict with.</summary>
/// <param name="Version">The registry entry.</param>
/// <param name="Model">The fitted model read from the verified package.</param>
public sealed record LoadedModel(ModelVersion Version, IFittedModel Model)
{
    /// <summary>Registered model name.</summary>
    public string Name => Version.Name;

    /// <summary>The columns a request must send (names and types), as the package records them.</summary>
    public DataSchema InputSchema => Model.InputSchema;

    /// <summary>The task.</summary>
    public TaskKind Task => Model.Task;

    /// <summary>Predicts a table bound to <see cref="InputSchema"/>: the one prediction path for the server and batch files.</summary>
    public Predictions Predict(Table features) => Model.Predict(features);
}
