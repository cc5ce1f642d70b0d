using Keel.Core.Data;
using Keel.Core.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Training.MlNet;

/// <summary>Builds ML.NET in-memory data views: a fixed-size float vector "Features" plus "Label" typed for the task.</summary>
internal static class MlNetData
{
    public const string Features = "Features";
    public const string Label = "Label";

    // ML.NET reads public fields by reflection; one row type per label type.
    internal sealed class BinaryRow
    {
        public float[] Features = [];
        public bool Label;
    }

    internal sealed class KeyRow
    {
        public float[] Features = [];
        public uint Label;
    }

    internal sealed class ValueRow
    {
        public float[] Features = [];
        public float Label;
    }

    /// <summary>A view over <paramref name="rows"/>; <paramref name="labels"/> null gives default labels (prediction only).</summary>
    public static IDataView Create(MLContext ml, TaskKind task, int classCount, float[][] rows, EncodedLabels? labels)
    {
        var width = rows.Length > 0 ? rows[0].Length : 0;
        switch (task)
        {
            case TaskKind.Binary:
            {
                var data = new BinaryRow[rows.Length];
                var y = labels?.ClassIndices;
                for (var i = 0; i < data.Length; i++) data[i] = new BinaryRow { Features = rows[i], Label = y is not null && y[i] == 1 };
                return ml.Data.LoadFromEnumerable(data, Schema<BinaryRow>(width, null));
            }
            case TaskKind.Multiclass:
            {
                // Class index k is stored as k: the enumerable loader shifts user key values by one (0 is not "missing" here), so score slot k is class k.
                var data = new KeyRow[rows.Length];
                var y = labels?.ClassIndices;
                for (var i = 0; i < data.Length; i++) data[i] = new KeyRow { Features = rows[i], Label = y is null ? 0u : (uint)y[i] };
                return ml.Data.LoadFromEnumerable(data, Schema<KeyRow>(width, new KeyDataViewType(typeof(uint), classCount)));
            }
            default:
            {
                var data = new ValueRow[rows.Length];
                var y = labels?.Values;
                for (var i = 0; i < data.Length; i++) data[i] = new ValueRow { Features = rows[i], Label = y is null ? 0f : (float)y[i] };
                return ml.Data.LoadFromEnumerable(data, Schema<ValueRow>(width, null));
            }
        }
    }

    /// <summary>The input schema a saved ML.NET model records.</summary>
    public static DataViewSchema InputSchema(MLContext ml, TaskKind task, int classCount, int width) =>
        Create(ml, task, classCount, [new float[width]], null).Schema;

    internal static SchemaDefinition Schema<T>(int width, DataViewType? labelType)
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema[Features].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        if (labelType is not null) schema[Label].ColumnType = labelType;
        return schema;
    }

    /// <summary>One row's class probabilities from ML.NET's multiclass scores: negatives and NaN as 0, renormalised to sum 1.</summary>
    internal static double[] MulticlassRow(IEnumerable<float> scores, int classCount)
    {
        var row = new double[classCount];
        var sum = 0.0;
        var k = 0;
        foreach (var v in scores)
        {
            if (k < row.Length) row[k] = Math.Max(0, float.IsNaN(v) ? 0 : v);
            sum += k < row.Length ? row[k] : 0;
            k++;
        }
        // OneVersusAll already normalises; renormalising guards against float drift.
        for (var j = 0; j < row.Length; j++) row[j] = sum > 0 ? row[j] / sum : 1.0 / row.Length;
        return row;
    }

    /// <summary>Reads the model's outputs: class probabilities (binary: p(class 1) from "Probability") or regression values.</summary>
    public static Predictions Read(IDataView scored, TaskKind task, IReadOnlyList<string> classes)
    {
        switch (task)
        {
            case TaskKind.Binary:
            {
                var p = scored.GetColumn<float>("Probability").Select(v => new[] { 1 - (double)v, v }).ToArray();
                return new Predictions { Task = task, Classes = classes, Probabilities = p };
            }
            case TaskKind.Multiclass:
            {
                var list = new List<double[]>();
                foreach (var buffer in scored.GetColumn<VBuffer<float>>("Score"))
                {
                    if (buffer.Length != classes.Count) throw new InvalidOperationException($"ML.NET returned {buffer.Length} scores for {classes.Count} classes.");
                    list.Add(MulticlassRow(buffer.DenseValues(), classes.Count));
                }
                return new Predictions { Task = task, Classes = classes, Probabilities = list.ToArray() };
            }
            default:
                return new Predictions { Task = task, Values = scored.GetColumn<float>("Score").Select(v => (double)v).ToArray() };
        }
    }
}
