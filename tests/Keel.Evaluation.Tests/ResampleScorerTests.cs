using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Uncertainty;

namespace Keel.Evaluation.Tests;

/// <summary>Scoring a resample from its count vector gives what <see cref="Evaluator"/> gives on the resampled rows themselves.</summary>
public sealed class ResampleScorerTests
{
    private static void SameAsMaterialised(EncodedLabels truth, Predictions predictions, int rows, ulong seed, int resamples = 300)
    {
        var scorer = new ResampleScorer(truth, predictions);
        var all = Enumerable.Range(0, truth.Count).ToArray();
        var draws = new SplitMix64(seed);
        var counted = new SplitMix64(seed);
        var counts = new int[truth.Count];
        var values = new double[scorer.Names.Length];
        for (var b = 0; b < resamples; b++)
        {
            var sample = draws.Resample(all);
            counted.Counts(counts);
            for (var i = 0; i < counts.Length; i++) Assert.Equal(sample.Count(r => r == i), counts[i]);
            var expected = Evaluator.Evaluate(truth.Take(sample), predictions.Take(sample)).Metrics;
            scorer.Score(counts, values);
            for (var j = 0; j < scorer.Names.Length; j++)
            {
                var name = scorer.Names[j];
                Close.Equal(expected.TryGetValue(name, out var e) ? e : double.NaN, values[j], $"resample {b} {name}");
            }
            Assert.All(expected.Keys, k => Assert.Contains(k, scorer.Names));
        }
        Assert.Equal(rows, scorer.Rows);
    }

    [Fact]
    public void Score_BinaryWithTiedScores_EqualsEvaluatorOnResampledRows()
    {
        var rng = new Random(3);
        const int n = 60;
        // Scores on a coarse grid, so many rows tie; some resamples miss a class (AUC undefined).
        var y = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.3 ? 1 : 0).ToArray();
        var p = y.Select(t => Math.Round(Math.Clamp(0.3 * t + rng.NextDouble() * 0.7, 0, 1), 1)).ToArray();
        SameAsMaterialised(new EncodedLabels { Task = TaskKind.Binary, Classes = ["a", "b"], ClassIndices = y },
            new Predictions { Task = TaskKind.Binary, Classes = ["a", "b"], Probabilities = p.Select(v => new[] { 1 - v, v }).ToArray() }, n, 5);
        // Five rows with one positive: many resamples have a single class.
        SameAsMaterialised(new EncodedLabels { Task = TaskKind.Binary, Classes = ["a", "b"], ClassIndices = [0, 0, 1, 0, 0] },
            new Predictions { Task = TaskKind.Binary, Classes = ["a", "b"], Probabilities = [[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.4, 0.6], [1, 0]] }, 5, 9);
    }

    [Fact]
    public void Score_MulticlassWithAbsentClasses_EqualsEvaluatorOnResampledRows()
    {
        var rng = new Random(4);
        const int n = 25;
        // Class 2 is rare and never predicted, so resamples without it change the averages' class set and drop the OvR area.
        var y = Enumerable.Range(0, n).Select(i => i < 2 ? 2 : rng.Next(2)).ToArray();
        var probabilities = y.Select(t =>
        {
            var row = new[] { rng.NextDouble(), rng.NextDouble(), rng.NextDouble() * 0.2 };
            row[t == 2 ? 0 : t] += 0.5;
            var s = row.Sum();
            return row.Select(v => Math.Round(v / s, 2)).ToArray();
        }).ToArray();
        SameAsMaterialised(new EncodedLabels { Task = TaskKind.Multiclass, Classes = ["x", "y", "z"], ClassIndices = y },
            new Predictions { Task = TaskKind.Multiclass, Classes = ["x", "y", "z"], Probabilities = probabilities }, n, 6);
    }

    [Fact]
    public void Score_RegressionWithZeroAndConstantLabels_EqualsEvaluatorOnResampledRows()
    {
        var rng = new Random(5);
        const int n = 40;
        var y = Enumerable.Range(0, n).Select(i => i == 0 ? 0 : Math.Round(rng.NextDouble() * 10, 1)).ToArray();
        var p = y.Select(v => v + rng.NextDouble() - 0.5).ToArray();
        SameAsMaterialised(new EncodedLabels { Task = TaskKind.Regression, Values = y },
            new Predictions { Task = TaskKind.Regression, Values = p }, n, 7);
        // Two rows with the same label 0.1: resamples are constant, where r2 hinges on numpy's rounding of the mean.
        SameAsMaterialised(new EncodedLabels { Task = TaskKind.Regression, Values = [0.1, 0.1, 0.1] },
            new Predictions { Task = TaskKind.Regression, Values = [0.1, 0.2, 0.1] }, 3, 8);
    }
}
