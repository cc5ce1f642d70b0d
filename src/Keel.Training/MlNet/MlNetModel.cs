using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Featurization;
using Keel.Training.Packaging;
using Microsoft.ML;

namespace Keel.Training.MlNet;

/// <summary>A fitted ML.NET model: the featurizer's learned state plus the trained transformer.</summary>
internal sealed class MlNetModel : IFittedModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly IReadOnlyDictionary<string, string> _params;

    public MlNetModel(string type, TaskKind task, IReadOnlyList<string> classes, FeaturizerState featurizer,
        IReadOnlyDictionary<string, string> effectiveParams, MLContext ml, ITransformer transformer)
    {
        Type = type;
        Task = task;
        Classes = classes;
        Featurizer = featurizer;
        _params = effectiveParams;
        _ml = ml;
        _transformer = transformer;
    }

    public string Type { get; }
    public TaskKind Task { get; }
    public IReadOnlyList<string> Classes { get; }
    public FeaturizerState Featurizer { get; }
    public DataSchema InputSchema => Featurizer.InputSchema;

    public Predictions Predict(Table features)
    {
        var rows = Featurization.Featurizer.Transform(Featurizer, features);
        return PredictRows(rows);
    }

    /// <summary>Predicts already featurised rows.</summary>
    public Predictions PredictRows(float[][] rows)
    {
        if (rows.Length == 0)
        {
            return Task == TaskKind.Regression
                ? new Predictions { Task = Task, Values = [] }
                : new Predictions { Task = Task, Classes = Classes, Probabilities = [] };
        }
        var view = MlNetData.Create(_ml, Task, Classes.Count, rows, null);
        return MlNetData.Read(_transformer.Transform(view), Task, Classes);
    }

    public void Save(Stream stream)
    {
        using var model = new MemoryStream();
        _ml.Model.Save(_transformer, MlNetData.InputSchema(_ml, Task, Classes.Count, Featurizer.FeatureNames.Count), model);
        var manifest = new Manifest(Manifest.CurrentVersion, Type, Task, Classes, InputSchema.Columns, _params, Featurizer, null);
        PackageIO.Write(stream, manifest, model.ToArray());
    }

    public static MlNetModel Load(Manifest manifest, byte[]? model)
    {
        if (manifest.Featurizer is null || model is null)
            throw new Keel.Core.KeelInputException($"The model package of type '{manifest.Type}' lacks its featurizer state or model.zip.");
        var ml = new MLContext(0);
        using var s = new MemoryStream(model);
        var transformer = ml.Model.Load(s, out _);
        return new MlNetModel(manifest.Type, manifest.Task, manifest.Classes, manifest.Featurizer, manifest.EffectiveParams, ml, transformer);
    }
}
