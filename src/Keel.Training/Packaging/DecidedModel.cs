using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Training.Packaging;

/// <summary>A binary model with its stored decision rule: every prediction is calibrated and carries the threshold, so the server,
/// <c>keel predict</c> and evaluation give the same labels.</summary>
internal sealed class DecidedModel(IFittedModel inner, DecisionRule rule) : IFittedModel
{
    public IFittedModel Inner => inner;

    public DecisionRule Rule => rule;

    public string Type => inner.Type;

    public TaskKind Task => inner.Task;

    public IReadOnlyList<string> Classes => inner.Classes;

    public DataSchema InputSchema => inner.InputSchema;

    public Predictions Predict(Table features) => rule.Apply(inner.Predict(features));

    public void Save(Stream stream)
    {
        using var plain = new MemoryStream();
        inner.Save(plain);
        plain.Position = 0;
        var (manifest, bytes) = PackageIO.Read(plain);
        PackageIO.Write(stream, manifest with { Decision = rule }, bytes);
    }
}
