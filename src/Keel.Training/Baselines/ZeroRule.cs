using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Training.Baselines;

/// <summary>zero_rule's learned state: the train class priors (classification) or the train mean (regression).</summary>
internal sealed record ZeroRuleState(double[] Priors, double Mean) : IBaselineState
{
    public static ZeroRuleState Fit(EncodedLabels labels)
    {
        if (labels.Task == TaskKind.Regression)
        {
            var v = labels.Values ?? [];
            return new ZeroRuleState([], v.Length == 0 ? 0 : v.Average());
        }
        var counts = new double[labels.Classes.Count];
        var y = labels.ClassIndices ?? [];
        foreach (var c in y) counts[c]++;
        for (var k = 0; k < counts.Length; k++) counts[k] = y.Length == 0 ? 1.0 / counts.Length : counts[k] / y.Length;
        return new ZeroRuleState(counts, 0);
    }

    public Predictions Predict(Table features, TaskKind task, IReadOnlyList<string> classes)
    {
        var n = features.RowCount;
        if (task == TaskKind.Regression)
        {
            var values = new double[n];
            Array.Fill(values, Mean);
            return new Predictions { Task = task, Values = values };
        }
        var p = new double[n][];
        for (var i = 0; i < n; i++) p[i] = (double[])Priors.Clone();
        return new Predictions { Task = task, Classes = classes, Probabilities = p };
    }
}

/// <summary>random's learned state: class priors to draw from, or a sample of train labels (at most 1000) to draw from.</summary>
/// <remarks>Every Predict call restarts from <paramref name="Seed"/>, so the same rows always get the same predictions.</remarks>
internal sealed record RandomState(int Seed, double[] Priors, double[] Values) : IBaselineState
{
    private const int MaxStoredValues = 1000;

    public static RandomState Fit(EncodedLabels labels, int seed)
    {
        if (labels.Task != TaskKind.Regression) return new RandomState(seed, ZeroRuleState.Fit(labels).Priors, []);
        var v = labels.Values ?? [];
        if (v.Length <= MaxStoredValues) return new RandomState(seed, [], (double[])v.Clone());
        var rng = new Random(seed);
        var sample = new double[MaxStoredValues];
        for (var i = 0; i < sample.Length; i++) sample[i] = v[rng.Next(v.Length)];
        return new RandomState(seed, [], sample);
    }

    public Predictions Predict(Table features, TaskKind task, IReadOnlyList<string> classes)
    {
        var rng = new Random(Seed);
        var n = features.RowCount;
        if (task == TaskKind.Regression)
        {
            var values = new double[n];
            for (var i = 0; i < n; i++) values[i] = Values.Length == 0 ? 0 : Values[rng.Next(Values.Length)];
            return new Predictions { Task = task, Values = values };
        }
        var p = new double[n][];
        for (var i = 0; i < n; i++)
        {
            var u = rng.NextDouble();
            var k = 0;
            while (k < Priors.Length - 1 && u >= Priors[k])
            {
                u -= Priors[k];
                k++;
            }
            p[i] = new double[Priors.Length];
            p[i][k] = 1;
        }
        return new Predictions { Task = task, Classes = classes, Probabilities = p };
    }
}
