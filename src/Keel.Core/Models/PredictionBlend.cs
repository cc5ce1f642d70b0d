using Keel.Core.Data;

namespace Keel.Core.Models;

/// <summary>The weighted mean of several models' predictions of the same rows: how a voting ensemble predicts.</summary>
public static class PredictionBlend
{
    /// <summary>Σ w·p / Σ w of <paramref name="members"/>' probabilities (or values), summed in member order; the classes are the
    /// first member's.</summary>
    /// <param name="members">Predictions of the same rows, same task and classes.</param>
    /// <param name="weights">One weight per member, not all 0.</param>
    public static Predictions WeightedMean(IReadOnlyList<Predictions> members, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(weights);
        var first = members[0];
        var n = first.Count;
        var total = weights.Sum();
        if (first.Task == TaskKind.Regression)
        {
            var values = new double[n];
            for (var m = 0; m < members.Count; m++)
            {
                var v = members[m].Values!;
                for (var i = 0; i < n; i++) values[i] += weights[m] * v[i];
            }
            for (var i = 0; i < n; i++) values[i] /= total;
            return new Predictions { Task = first.Task, Values = values };
        }
        var k = first.Classes.Count > 0 ? first.Classes.Count : first.Probabilities![0].Length;
        var p = new double[n][];
        for (var i = 0; i < n; i++) p[i] = new double[k];
        for (var m = 0; m < members.Count; m++)
        {
            var q = members[m].Probabilities!;
            for (var i = 0; i < n; i++)
            {
                for (var c = 0; c < k; c++) p[i][c] += weights[m] * q[i][c];
            }
        }
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < k; c++) p[i][c] /= total;
        }
        return new Predictions { Task = first.Task, Classes = first.Classes, Probabilities = p };
    }
}
