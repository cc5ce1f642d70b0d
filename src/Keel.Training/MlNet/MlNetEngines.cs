using System.Collections.Concurrent;
using Keel.Core.Data;
using Keel.Core.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Training.MlNet;

/// <summary>
/// Predicts small batches row by row with pooled ML.NET prediction engines: building an IDataView costs hundreds of
/// microseconds per call, an engine a few per row. Engines are not thread-safe, so each call rents one from the pool.
/// The outputs are the same floats the IDataView path reads, converted the same way.
/// </summary>
internal sealed class MlNetEngines(MLContext ml, ITransformer transformer, TaskKind task, IReadOnlyList<string> classes, int width)
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

    private readonly ConcurrentBag<object> _pool = [];

    public Predictions Predict(float[][] rows)
    {
        var engine = _pool.TryTake(out var e) ? e : Create();
        try
        {
            switch (task)
            {
                case TaskKind.Binary:
                {
                    var pe = (PredictionEngine<MlNetData.BinaryRow, BinaryOut>)engine;
                    var input = new MlNetData.BinaryRow();
                    var output = new BinaryOut();
                    var p = new double[rows.Length][];
                    for (var i = 0; i < rows.Length; i++)
                    {
                        input.Features = rows[i];
                        pe.Predict(input, ref output);
                        p[i] = [1 - (double)output.Probability, output.Probability];
                    }
                    return new Predictions { Task = task, Classes = classes, Probabilities = p };
                }
                case TaskKind.Multiclass:
                {
                    var pe = (PredictionEngine<MlNetData.KeyRow, MultiOut>)engine;
                    var input = new MlNetData.KeyRow();
                    var output = new MultiOut();
                    var p = new double[rows.Length][];
                    for (var i = 0; i < rows.Length; i++)
                    {
                        input.Features = rows[i];
                        pe.Predict(input, ref output);
                        if (output.Score.Length != classes.Count) throw new InvalidOperationException($"ML.NET returned {output.Score.Length} scores for {classes.Count} classes.");
                        p[i] = MlNetData.MulticlassRow(output.Score.DenseValues(), classes.Count);
                    }
                    return new Predictions { Task = task, Classes = classes, Probabilities = p };
                }
                default:
                {
                    var pe = (PredictionEngine<MlNetData.ValueRow, ValueOut>)engine;
                    var input = new MlNetData.ValueRow();
                    var output = new ValueOut();
                    var v = new double[rows.Length];
                    for (var i = 0; i < rows.Length; i++)
                    {
                        input.Features = rows[i];
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

    private object Create() => task switch
    {
        TaskKind.Binary => ml.Model.CreatePredictionEngine<MlNetData.BinaryRow, BinaryOut>(transformer, true, MlNetData.Schema<MlNetData.BinaryRow>(width, null)),
        TaskKind.Multiclass => ml.Model.CreatePredictionEngine<MlNetData.KeyRow, MultiOut>(transformer, true,
            MlNetData.Schema<MlNetData.KeyRow>(width, new KeyDataViewType(typeof(uint), classes.Count))),
        _ => ml.Model.CreatePredictionEngine<MlNetData.ValueRow, ValueOut>(transformer, true, MlNetData.Schema<MlNetData.ValueRow>(width, null)),
    };
}
