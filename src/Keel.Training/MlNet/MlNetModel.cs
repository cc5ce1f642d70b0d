using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Featurization;
using Keel.Training.Packaging;
using Microsoft.ML;

namespace Keel.Training.MlNet;

/// <summary>A fitted ML.NET model: the featurizer's learned state plus the trained transformer (and, for a multiclass
/// forest, each class's Platt scaling of its raw one-versus-rest scores).</summary>
internal sealed class MlNetModel : IFeaturizedModel, Explanation.IExplainableModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly ModelHeader _header;
    private readonly MlNetEngines _engines;
    private readonly ClassCalibration? _calibration;
    private readonly TreeScorer? _trees;

    public MlNetModel(ModelHeader header, FeaturizerState featurizer, MLContext ml, ITransformer transformer, ClassCalibration? calibration = null)
    {
        _header = header;
        Featurizer = featurizer;
        _ml = ml;
        _transformer = transformer;
        _calibration = calibration;
        _engines = new MlNetEngines(ml, transformer, header.Task, header.Classes, featurizer, calibration);
        // Tree models read unstandardised rows; Keel scores the ensembles it knows itself (the same outputs, much faster).
        _trees = featurizer.Means is null ? TreeScorer.For(transformer, header.Task) : null;
    }

    public string Type => _header.Type;
    public TaskKind Task => _header.Task;
    public IReadOnlyList<string> Classes => _header.Classes;
    public FeaturizerState Featurizer { get; }

    /// <summary>The trained ML.NET transformer (read by tests that stage its trees).</summary>
    internal ITransformer Transformer => _transformer;

    /// <summary>The pooled prediction engines of small batches (timed by bench/Keel.Bench against the tree scorer).</summary>
    internal MlNetEngines Engines => _engines;

    public DataSchema InputSchema => Featurizer.InputSchema;

    public Predictions Predict(Table features)
    {
        var rows = Featurization.Featurizer.TransformMatrix(Featurizer, features);
        if (rows.RowCount == 0)
        {
            return Task == TaskKind.Regression
                ? new Predictions { Task = Task, Values = [] }
                : new Predictions { Task = Task, Classes = Classes, Probabilities = [] };
        }
        if (_trees?.Predict(rows, Classes, _calibration) is { } scored) return scored;
        // Small batches (a served request) skip the data view: pooled prediction engines, the same outputs.
        return rows.RowCount <= MlNetEngines.MaxRows ? _engines.Predict(rows) : PredictByMlNet(rows);
    }

    /// <summary>ML.NET's own scoring of the featurised rows: one data view through the transformer, its outputs read as the
    /// model reads them (the large-batch path of a model Keel does not score itself; tests and the bench compare with it).</summary>
    internal Predictions PredictByMlNet(FeatureMatrix rows) =>
        MlNetData.Read(_transformer.Transform(new MatrixDataView(rows, Task, Classes.Count, null, Featurizer)), Task, Classes, _calibration);

    /// <summary>ML.NET's FeatureContributionCalculator on the rows as the model sees them; null for multiclass models.</summary>
    public (string Space, float[][] Slots)? SlotContributions(Table features)
    {
        if (Task == TaskKind.Multiclass) return null;
        var rows = Featurization.Featurizer.TransformMatrix(Featurizer, features);
        var view = new MatrixDataView(rows, Task, Classes.Count, null, Featurizer);
        var slots = FeatureContributions.Compute(_ml, _transformer, view, Featurizer.FeatureNames.Count);
        return slots is null ? null : (Task == TaskKind.Regression ? "value" : Type == "linear" ? "log-odds" : "score", slots);
    }

    public float[][] Featurize(Table features) => Featurization.Featurizer.Transform(Featurizer, features);

    public void Save(Stream stream)
    {
        using var model = new MemoryStream();
        _ml.Model.Save(_transformer, MatrixDataView.SchemaFor(Task, Classes.Count, Featurizer.FeatureNames.Count), model);
        PackageIO.Write(stream, Manifest.For(_header, InputSchema, Featurizer, null) with { ClassPlatt = _calibration }, model.ToArray());
    }

    public static MlNetModel Load(Manifest manifest, byte[]? model)
    {
        if (manifest.Featurizer is null || model is null)
            throw new Keel.Core.KeelInputException($"The model package of type '{manifest.Type}' lacks its featurizer state or model.zip.");
        if (manifest.ClassPlatt is { } c && (manifest.Task != TaskKind.Multiclass || c.Slopes.Length != manifest.Classes.Count || c.Offsets.Length != manifest.Classes.Count))
            throw new Keel.Core.KeelInputException($"The model package of type '{manifest.Type}' has class_platt for {c.Slopes.Length} classes; its classes are {manifest.Classes.Count}.");
        var ml = new MLContext(0);
        using var s = new MemoryStream(model);
        var transformer = ml.Model.Load(s, out _);
        return new MlNetModel(manifest.Header, manifest.Featurizer, ml, transformer, manifest.ClassPlatt);
    }
}
