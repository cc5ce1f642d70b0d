using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Data.Binding;
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
    /// <remarks>Read once per model: a model may build its schema anew on each read, and every request binds against it (the binder
    /// keeps its column index per schema object).</remarks>
    public DataSchema InputSchema
    {
        get
        {
            // Checked against the model, as `with { Model = ... }` copies this field.
            var cached = _inputSchema;
            if (cached is not null && ReferenceEquals(cached.Value.Model, Model)) return cached.Value.Schema;
            var schema = Model.InputSchema;
            _inputSchema = (Model, schema);
            return schema;
        }
    }

    private (IFittedModel Model, DataSchema Schema)? _inputSchema;

    /// <summary>The task.</summary>
    public TaskKind Task => Model.Task;

    /// <summary>Raw values read as missing, as the model's training data read them (the package's tokens, or the defaults
    /// for packages that do not record them). Default: the defaults.</summary>
    public IReadOnlyList<string> MissingTokens
    {
        get => Binding.MissingTokens;
        init => Binding = new BindingOptions { MissingTokens = value };
    }

    /// <summary>How requests and batch files are bound for this model: its missing tokens, messages naming "request".</summary>
    public BindingOptions Binding { get; private init; } = BindingOptions.Default;

    /// <summary>Predicts a table bound to <see cref="InputSchema"/>: the one prediction path for the server and batch files.</summary>
    public Predictions Predict(Table features) => Model.Predict(features);
}
