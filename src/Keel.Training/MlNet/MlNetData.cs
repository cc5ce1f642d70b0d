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

    /// <summary>The example-weight column of a training view (present only when the rows carry weights).</summary>
    public const string Weight = "Weight";

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

    /// <summary>Reads the model's outputs: class probabilities (binary: p(class 1) from "Probability"; multiclass from "Score",
    /// through <paramref name="calibration"/> when the scores are raw) or regression values.</summary>
    public static Predictions Read(IDataView scored, TaskKind task, IReadOnlyList<string> classes, ClassCalibration? calibration = null)
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
                    list.Add(calibration?.Row(buffer.DenseValues(), classes.Count) ?? MulticlassRow(buffer.DenseValues(), classes.Count));
                }
                return new Predictions { Task = task, Classes = classes, Probabilities = list.ToArray() };
            }
            default:
                return new Predictions { Task = task, Values = scored.GetColumn<float>("Score").Select(v => (double)v).ToArray() };
        }
    }
}
