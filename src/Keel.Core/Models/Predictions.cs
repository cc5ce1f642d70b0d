using Keel.Core.Data;

namespace Keel.Core.Models;

/// <summary>A model's output for a set of rows: class probabilities (classification) or values (regression).</summary>
public sealed record Predictions
{
    /// <summary>The task the predictions are for.</summary>
    public required TaskKind Task { get; init; }

    /// <summary>Class names, in the column order of <see cref="Probabilities"/> (classification); empty for regression.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>Row-major probabilities, one array of length Classes.Count per row (classification); null for regression.</summary>
    public double[][]? Probabilities { get; init; }

    /// <summary>Predicted values (regression); null for classification.</summary>
    public double[]? Values { get; init; }

    /// <summary>Number of rows.</summary>
    public int Count => Probabilities?.Length ?? Values?.Length ?? 0;

    /// <summary>Binary: the positive class (index 1) is predicted when its probability is at least this (a decision threshold stored
    /// with the model). Default null: the larger probability wins.</summary>
    public double? Threshold { get; init; }

    /// <summary>The predictions of the given rows, in that order.</summary>
    public Predictions Take(IReadOnlyList<int> rows) => this with
    {
        Probabilities = Probabilities is null ? null : rows.Select(r => Probabilities[r]).ToArray(),
        Values = Values is null ? null : rows.Select(r => Values[r]).ToArray(),
    };

    /// <summary>The predicted class index per row (argmax of probabilities, the lower index winning ties; binary with a
    /// <see cref="Threshold"/>: 1 when the positive probability reaches it).</summary>
    public int[] PredictedClassIndices()
    {
        var p = Probabilities ?? throw new InvalidOperationException("Regression predictions have no classes.");
        var r = new int[p.Length];
        if (Threshold is { } t && Classes.Count == 2)
        {
            for (var i = 0; i < p.Length; i++) r[i] = p[i][1] >= t ? 1 : 0;
            return r;
        }
        for (var i = 0; i < p.Length; i++)
        {
            var best = 0;
            for (var k = 1; k < p[i].Length; k++)
            {
                if (p[i][k] > p[i][best]) best = k;
            }
            r[i] = best;
        }
        return r;
    }
}

/// <summary>The label column encoded for learning: class indices into <see cref="Classes"/> (classification) or values (regression).</summary>
/// <remarks>For binary tasks, index 1 is the positive class.</remarks>
public sealed record EncodedLabels
{
    public required TaskKind Task { get; init; }
    public IReadOnlyList<string> Classes { get; init; } = [];
    /// <summary>Class index per row (classification); null for regression.</summary>
    public int[]? ClassIndices { get; init; }
    /// <summary>Value per row (regression); null for classification.</summary>
    public double[]? Values { get; init; }
    public int Count => ClassIndices?.Length ?? Values?.Length ?? 0;

    /// <summary>The labels of the given rows, in that order.</summary>
    public EncodedLabels Take(IReadOnlyList<int> rows) => this with
    {
        ClassIndices = ClassIndices is null ? null : rows.Select(r => ClassIndices[r]).ToArray(),
        Values = Values is null ? null : rows.Select(r => Values[r]).ToArray(),
    };
}
