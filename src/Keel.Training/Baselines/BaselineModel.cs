using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Packaging;

namespace Keel.Training.Baselines;

/// <summary>A baseline's learned state: serialised into the manifest, and able to predict.</summary>
internal interface IBaselineState
{
    Predictions Predict(Table features, TaskKind task, IReadOnlyList<string> classes);
}

/// <summary>A fitted baseline (random, zero_rule, heuristic): its state lives in the package manifest.</summary>
internal sealed class BaselineModel : IFittedModel
{
    private readonly ModelHeader _header;

    public BaselineModel(ModelHeader header, DataSchema inputSchema, IBaselineState state)
    {
        _header = header;
        InputSchema = inputSchema;
        State = state;
    }

    public string Type => _header.Type;
    public TaskKind Task => _header.Task;
    public IReadOnlyList<string> Classes => _header.Classes;
    public DataSchema InputSchema { get; }
    public IBaselineState State { get; }

    public Predictions Predict(Table features)
    {
        foreach (var c in InputSchema.Columns)
        {
            if (!features.Contains(c.Name))
                throw new KeelInputException($"The input has no column '{c.Name}', which the model expects ({c.Type}).");
        }
        return State.Predict(features, Task, Classes);
    }

    public void Save(Stream stream)
    {
        var state = JsonSerializer.SerializeToElement(State, State.GetType(), PackageIO.Json);
        PackageIO.Write(stream, Manifest.For(_header, InputSchema, null, state), null);
    }

    public static BaselineModel Load(Manifest m) => new(m.Header, new DataSchema(m.InputSchema), m.Type switch
    {
        "random" => PackageIO.BaselineState<RandomState>(m),
        "zero_rule" => PackageIO.BaselineState<ZeroRuleState>(m),
        "heuristic" => PackageIO.BaselineState<Heuristics.HeuristicState>(m),
        _ => throw new KeelInputException($"The model package has unknown baseline type '{m.Type}'."),
    });
}
