using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Featurization;
using Keel.Training.Packaging;

namespace Keel.Training.Linear;

/// <summary>A fitted linear regression (ridge): standardised features, then an intercept plus a weighted sum.</summary>
internal sealed class RidgeModel : IFeaturizedModel, Explanation.IExplainableModel
{
    private readonly ModelHeader _header;
    private readonly RidgeState _state;

    public RidgeModel(ModelHeader header, FeaturizerState featurizer, RidgeState state)
    {
        _header = header;
        Featurizer = featurizer;
        _state = state;
    }

    public string Type => _header.Type;
    public TaskKind Task => _header.Task;
    public IReadOnlyList<string> Classes => _header.Classes;
    public FeaturizerState Featurizer { get; }
    public DataSchema InputSchema => Featurizer.InputSchema;

    public float[][] Featurize(Table features) => Featurization.Featurizer.Transform(Featurizer, features);

    public Predictions Predict(Table features)
    {
        var rows = Featurization.Featurizer.TransformMatrix(Featurizer, features);
        var values = new double[rows.RowCount];
        var w = _state.Weights;
        var row = new float[rows.Width];
        for (var r = 0; r < values.Length; r++)
        {
            rows.CopyRow(r, row);
            if (Featurizer.Means is { } means && Featurizer.Scales is { } scales) Featurization.Featurizer.Standardise(row, means, scales);
            var sum = _state.Intercept;
            for (var j = 0; j < row.Length; j++) sum += w[j] * row[j];
            values[r] = sum;
        }
        return new Predictions { Task = Task, Values = values };
    }

    /// <summary>Weight × standardised feature value per slot (they add up to the prediction less the intercept).</summary>
    public (string Space, float[][] Slots)? SlotContributions(Table features)
    {
        var rows = Featurize(features);
        var w = _state.Weights;
        return ("value", rows.Select(r => r.Select((x, j) => (float)(w[j] * x)).ToArray()).ToArray());
    }

    public void Save(Stream stream) => PackageIO.Write(stream, Manifest.For(_header, InputSchema, Featurizer, null) with { Ridge = _state }, null);

    public static RidgeModel Load(Manifest manifest)
    {
        if (manifest.Featurizer is null || manifest.Ridge is null || manifest.Ridge.Weights.Length != manifest.Featurizer.FeatureNames.Count)
            throw new KeelInputException($"The model package of type '{manifest.Type}' lacks its featurizer state or ridge weights.");
        return new RidgeModel(manifest.Header, manifest.Featurizer, manifest.Ridge);
    }
}
