using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Evaluation.Tests;

public sealed class EnsembleSelectionTests
{
    // Four rows, truth 0. A = [1, -1, 1, -1] and B = -A cancel; C = 0.5 everywhere. RMSE of the mean, by hand:
    // step 1: A 1, B 1, C 0.5 -> C.   step 2: C+A 0.559, C+B 0.559, C+C 0.5 -> C (counts 0,0,2).
    // step 3: 2C+A = [2/3, 0, 2/3, 0] -> 0.471 (A before B on the tie), 3C 0.5 -> A (1,0,2).
    // step 4: 2C+A+B = [1/4] * 4 -> 0.25; 2C+2A 0.559; 3C+A 0.451 -> B (1,1,2).
    // step 5: +A or +B 0.283, +C 0.3 -> A (2,1,2), worse than step 4.   step 6: 2C+2A+2B = [1/6] * 4 -> 0.167 -> B (2,2,2).
    private static readonly EncodedLabels Truth = new() { Task = TaskKind.Regression, Values = [0, 0, 0, 0] };

    private static Predictions P(params double[] v) => new() { Task = TaskKind.Regression, Values = v };

    private static readonly Predictions[] Members = [P(1, -1, 1, -1), P(-1, 1, -1, 1), P(0.5, 0.5, 0.5, 0.5)];

    [Theory]
    [InlineData(1, new[] { 0, 0, 1 })]
    [InlineData(4, new[] { 1, 1, 2 })]
    [InlineData(5, new[] { 1, 1, 2 })]
    [InlineData(6, new[] { 2, 2, 2 })]
    public void Choose_SmallFixedMatrix_EqualsHandComputation(int steps, int[] expected)
    {
        var counts = EnsembleSelection.Choose(Members, Truth, "rmse", steps);

        Assert.Equal(expected, counts);
    }

    [Fact]
    public void Choose_FourSteps_ScoreIsTheHandComputedRmse()
    {
        var counts = EnsembleSelection.Choose(Members, Truth, "rmse", 4)!;

        Assert.Equal(0.25, EnsembleSelection.Score(Members, counts, Truth, "rmse"), 12);
    }

    [Fact]
    public void Choose_BinaryAuc_NeverWorseThanTheBestMemberAlone()
    {
        var truth = new EncodedLabels { Task = TaskKind.Binary, Classes = ["n", "y"], ClassIndices = [0, 0, 1, 1, 0, 1] };
        static Predictions B(params double[] p) => new() { Task = TaskKind.Binary, Classes = ["n", "y"], Probabilities = p.Select(x => new[] { 1 - x, x }).ToArray() };
        Predictions[] members = [B(0.1, 0.6, 0.7, 0.4, 0.2, 0.9), B(0.3, 0.2, 0.4, 0.9, 0.5, 0.6)];

        var counts = EnsembleSelection.Choose(members, truth, "auc")!;

        var best = members.Max(m => Evaluator.Evaluate(truth, m).Metrics["auc"]);
        Assert.True(EnsembleSelection.Score(members, counts, truth, "auc") >= best);
        Assert.InRange(counts.Sum(), 1, EnsembleSelection.Steps);
    }
}
