using Keel.Core.Data;
using Keel.Core.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Training.MlNet;

/// <summary>Column names of the ML.NET data views (<see cref="MatrixDataView"/>) and reading of model outputs.</summary>
internal static class MlNetData
{
    public const string Features = "Features";
    public const string Label = "Label";

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
                    var row = new double[classes.Count];
                    var sum = 0.0;
                    var k = 0;
                    if (buffer.Length != row.Length) throw new InvalidOperationException($"ML.NET returned {buffer.Length} scores for {row.Length} classes.");
                    foreach (var v in buffer.DenseValues())
                    {
                        if (k < row.Length) row[k] = Math.Max(0, float.IsNaN(v) ? 0 : v);
                        sum += k < row.Length ? row[k] : 0;
                        k++;
                    }
                    // OneVersusAll already normalises; renormalising guards against float drift.
                    for (var j = 0; j < row.Length; j++) row[j] = sum > 0 ? row[j] / sum : 1.0 / row.Length;
                    list.Add(row);
                }
                return new Predictions { Task = task, Classes = classes, Probabilities = list.ToArray() };
            }
            default:
                return new Predictions { Task = task, Values = scored.GetColumn<float>("Score").Select(v => (double)v).ToArray() };
        }
    }
}
