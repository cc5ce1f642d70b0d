using System.Globalization;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Behaviour;

/// <summary>A row a behavioural test failed on: its test row (or case) number, 0-based, and what happened.</summary>
public sealed record BehaviourFailure(int Row, string Detail);

/// <summary>The outcome of one behavioural test: rows tested, rows passed, and the worst failing examples (at most 5).</summary>
public sealed record BehaviourResult(string Name, string Type, int Rows, int Passed, IReadOnlyList<BehaviourFailure> Examples)
{
    /// <summary>Passed / rows (1 when no row was tested).</summary>
    public double PassRate => Rows == 0 ? 1 : (double)Passed / Rows;
}

/// <summary>CheckList's invariance, directional-expectation and minimum-functionality tests for a model over tables.</summary>
public static class BehaviourTests
{
    private const int Examples = 5;

    /// <summary>Runs an invariance or directional test on <paramref name="features"/> (the test rows) with <paramref name="predict"/>.</summary>
    /// <remarks>Rows whose value of the column is missing are not tested.</remarks>
    public static BehaviourResult Perturbation(BehaviourTestSpec test, Table features, Predictions baseline, Func<Table, Predictions> predict, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(predict);
        var column = (NumericColumn)features[test.Column!];
        var values = column.Values.ToArray();
        var changed = new double[values.Length];
        var random = new SplitMix64(seed);
        for (var i = 0; i < values.Length; i++)
        {
            var u = (random.Next() >> 11) * (1.0 / (1UL << 53));
            changed[i] = test.Type == "invariance" ? values[i] + (2 * u - 1) * test.Noise : values[i] * test.Factor + test.Add;
        }
        var perturbed = new Table(features.Columns.Select(c => c.Name == column.Name ? new NumericColumn(c.Name, changed, c.Type) : c).ToArray());
        var after = predict(perturbed);
        var watched = Watched(test, baseline);
        var failures = new List<(double Size, BehaviourFailure Failure)>();
        var rows = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i])) continue;
            rows++;
            var (before, now) = watched is { } k ? (baseline.Probabilities![i][k], after.Probabilities![i][k]) : (Value(baseline, i), Value(after, i));
            if (watched is null && baseline.Probabilities is not null)
            {
                // Invariance over every class: the largest move counts.
                var moves = baseline.Probabilities[i].Select((p, c) => after.Probabilities![i][c] - p).ToArray();
                var largest = moves.MaxBy(Math.Abs);
                (before, now) = (0, largest);
            }
            var delta = now - before;
            var violation = test.Type == "invariance" ? Math.Abs(delta) - test.Tolerance
                : test.Expect == "not_decrease" ? -delta - test.Tolerance : delta - test.Tolerance;
            if (violation <= 0) continue;
            failures.Add((violation, new BehaviourFailure(i,
                $"{test.Column} {F(values[i])} → {F(changed[i])}: {(watched is { } w ? $"P({baseline.Classes[w]})" : baseline.Probabilities is null ? "prediction" : "largest class probability change")} " +
                (watched is null && baseline.Probabilities is not null ? $"moved {F(delta)}" : $"{F(before)} → {F(now)}"))));
        }
        return new BehaviourResult(test.Name, test.Type, rows, rows - failures.Count,
            failures.OrderByDescending(f => f.Size).ThenBy(f => f.Failure.Row).Take(Examples).Select(f => f.Failure).ToArray());
    }

    /// <summary>Minimum functionality: each case passes when its predicted class is the expected one (regression: within the tolerance).</summary>
    public static BehaviourResult Minimum(BehaviourTestSpec test, EncodedLabels expected, Predictions predicted)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(predicted);
        var failures = new List<BehaviourFailure>();
        if (expected.ClassIndices is { } want)
        {
            var got = predicted.PredictedClassIndices();
            for (var i = 0; i < want.Length; i++)
                if (got[i] != want[i]) failures.Add(new BehaviourFailure(i, $"expected {expected.Classes[want[i]]}, predicted {predicted.Classes[got[i]]} (p {F(predicted.Probabilities![i][got[i]])})"));
        }
        else
        {
            for (var i = 0; i < expected.Count; i++)
                if (Math.Abs(expected.Values![i] - predicted.Values![i]) > test.Tolerance)
                    failures.Add(new BehaviourFailure(i, $"expected {F(expected.Values[i])}, predicted {F(predicted.Values[i])}"));
        }
        return new BehaviourResult(test.Name, test.Type, expected.Count, expected.Count - failures.Count, failures.Take(Examples).ToArray());
    }

    /// <summary>The class whose probability a test watches; null: the regression value, or every class (invariance without a class).</summary>
    private static int? Watched(BehaviourTestSpec test, Predictions p)
    {
        if (p.Probabilities is null) return null;
        if (test.Class is { } c) return p.Classes.ToList().IndexOf(c);
        return p.Classes.Count == 2 || test.Type == "directional" ? 1 : null;
    }

    private static double Value(Predictions p, int row) => p.Values![row];

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
