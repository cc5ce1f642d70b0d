using System.Collections.Concurrent;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Featurization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Training.MlNet;

/// <summary>
/// Predicts small batches row by row with pooled ML.NET prediction engines: a transform over a data view costs about
/// 90 µs a call here even for one row (LightGBM on credit_data), an engine about 15. Tree models are scored by
/// <see cref="TreeScorer"/> instead; this serves the other ML.NET models (linear classifiers). Engines are not thread-safe, so each
/// call rents one from the pool. Rows are those the data view hands the model (dense, standardised for linear models),
/// and the outputs are read the same way, so the answers are exactly those of the data-view path (SmallBatchTests).
/// </summary>
internal sealed class MlNetEngines(MLContext ml, ITransformer transformer, TaskKind task, IReadOnlyList<string> classes, FeaturizerState state,
    ClassCalibration? calibration = null)
{
    /// <summary>Batches up to this many rows go row by row; larger ones through one IDataView.</summary>
    public const int MaxRows = 128;

    internal sealed class BinaryOut
    {
        public float Probability = float.NaN;
    }

    internal sealed class MultiOut
    {
        public VBuffer<float> Score = default;
    }

    internal sealed class ValueOut
    {
        public float Score = float.NaN;
    }

    // ML.NET reads public fields by reflection; one input row type per label type, as the model was saved with.
    internal sealed class BinaryRow
    {
        public float[] Features = [];
        public bool Label = false;
    }

    internal sealed class KeyRow
    {
        public float[] Features = [];
        public uint Label = 0;
    }

    internal sealed class ValueRow
    {
        public float[] Features = [];
        public float Label = 0;
    }

    private readonly ConcurrentBag<object> _pool = [];

    private int Width => state.FeatureNames.Count;

    /// <summary>Row <paramref name="r"/> as the data view hands it to the model: dense, standardised for linear models.</summary>
    private void Row(FeatureMatrix rows, int r, float[] into)
    {
        rows.CopyRow(r, into);
        if (state.Means is { } means && state.Scales is { } scales) Featurizer.Standardise(into, means, scales);
    }

    public Predictions Predict(FeatureMatrix rows)
    {
        var engine = _pool.TryTake(out var e) ? e : Create();
        try
        {
            switch (task)
            {
                case TaskKind.Binary:
                {
                    var pe = (PredictionEngine<BinaryRow, BinaryOut>)engine;
                    var input = new BinaryRow { Features = new float[Width] };
                    var output = new BinaryOut();
                    var p = new double[rows.RowCount][];
                    for (var i = 0; i < rows.RowCount; i++)
                    {
                        Row(rows, i, input.Features);
                        pe.Predict(input, ref output);
                        p[i] = [1 - (double)output.Probability, output.Probability];
                    }
                    return new Predictions { Task = task, Classes = classes, Probabilities = p };
                }
                case TaskKind.Multiclass:
                {
                    var pe = (PredictionEngine<KeyRow, MultiOut>)engine;
                    var input = new KeyRow { Features = new float[Width] };
                    var output = new MultiOut();
                    var p = new double[rows.RowCount][];
                    for (var i = 0; i < rows.RowCount; i++)
                    {
                        Row(rows, i, input.Features);
                        pe.Predict(input, ref output);
                        if (output.Score.Length != classes.Count) throw new InvalidOperationException($"ML.NET returned {output.Score.Length} scores for {classes.Count} classes.");
                        p[i] = calibration?.Row(output.Score.DenseValues(), classes.Count) ?? MlNetData.MulticlassRow(output.Score.DenseValues(), classes.Count);
                    }
                    return new Predictions { Task = task, Classes = classes, Probabilities = p };
                }
                default:
                {
                    var pe = (PredictionEngine<ValueRow, ValueOut>)engine;
                    var input = new ValueRow { Features = new float[Width] };
                    var output = new ValueOut();
                    var v = new double[rows.RowCount];
                    for (var i = 0; i < rows.RowCount; i++)
                    {
                        Row(rows, i, input.Features);
                        pe.Predict(input, ref output);
                        v[i] = output.Score;
                    }
                    return new Predictions { Task = task, Values = v };
                }
            }
        }
        finally
        {
            _pool.Add(engine);
        }
    }

    private static SchemaDefinition Schema<T>(int width, DataViewType? labelType)
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema[MlNetData.Features].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        if (labelType is not null) schema[MlNetData.Label].ColumnType = labelType;
        return schema;
    }

    private object Create() => task switch
    {
        TaskKind.Binary => ml.Model.CreatePredictionEngine<BinaryRow, BinaryOut>(transformer, true, Schema<BinaryRow>(Width, null)),
        TaskKind.Multiclass => ml.Model.CreatePredictionEngine<KeyRow, MultiOut>(transformer, true,
            Schema<KeyRow>(Width, new KeyDataViewType(typeof(uint), classes.Count))),
        _ => ml.Model.CreatePredictionEngine<ValueRow, ValueOut>(transformer, true, Schema<ValueRow>(Width, null)),
    };
}
