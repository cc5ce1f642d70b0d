using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Importance;

namespace Keel.Evaluation.Tests;

/// <summary>Permutation importance against Fixtures/importance_fixtures.json (make_importance_fixtures.py, scikit-learn 1.2.1):
/// a fixed linear model, so both sides predict the same numbers.</summary>
public sealed class PermutationImportanceTests
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "importance_fixtures.json"))).RootElement.Clone());

    private static readonly string[] Names = ["x0", "x1", "x2"];

    private static double[][] X() => Root.Value.GetProperty("x").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();

    private static Table Features()
    {
        var x = X();
        return new Table(Names.Select((n, j) => (Column)new NumericColumn(n, x.Select(r => r[j]).ToArray())).ToArray());
    }

    private static double[] Linear(Table t)
    {
        var w = Root.Value.GetProperty("weights").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var b = Root.Value.GetProperty("bias").GetDouble();
        var cols = Names.Select(n => ((NumericColumn)t[n]).Values.ToArray()).ToArray();
        return Enumerable.Range(0, t.RowCount).Select(i => cols[0][i] * w[0] + cols[1][i] * w[1] + cols[2][i] * w[2] + b).ToArray();
    }

    private static Predictions Classify(Table t) => new()
    {
        Task = TaskKind.Binary, Classes = ["0", "1"],
        Probabilities = Linear(t).Select(z => 1 / (1 + Math.Exp(-z))).Select(p => new[] { 1 - p, p }).ToArray(),
    };

    private static Predictions Regress(Table t) => new() { Task = TaskKind.Regression, Values = Linear(t) };

    private static (EncodedLabels Truth, Func<Table, Predictions> Predict) Case(string metric) => metric is "rmse" or "r2"
        ? (new EncodedLabels { Task = TaskKind.Regression, Values = Root.Value.GetProperty("y_regression").EnumerateArray().Select(v => v.GetDouble()).ToArray() }, Regress)
        : (new EncodedLabels { Task = TaskKind.Binary, Classes = ["0", "1"], ClassIndices = Root.Value.GetProperty("y").EnumerateArray().Select(v => v.GetInt32()).ToArray() }, Classify);

    private static PermutationImportanceResult Compute(string metric)
    {
        var (truth, predict) = Case(metric);
        return PermutationImportance.Compute(Features(), truth, predict, metric, new PermutationImportanceOptions
        {
            Repeats = Root.Value.GetProperty("repeats").GetInt32(), Seed = Root.Value.GetProperty("seed").GetUInt64(),
        });
    }

    [Theory]
    [InlineData("auc")]
    [InlineData("log_loss")]
    [InlineData("accuracy")]
    [InlineData("rmse")]
    [InlineData("r2")]
    public void Compute_LinearModelFixture_EqualsScikitLearnScorerOnTheSameShuffles(string metric)
    {
        var expected = Root.Value.GetProperty("exact").GetProperty(metric);

        var result = Compute(metric);

        // The scorer of a loss is its negative: the baseline there is −loss.
        var sign = metric is "log_loss" or "rmse" ? -1 : 1;
        Close.Equal(expected.GetProperty("baseline").GetDouble(), sign * result.Baseline, $"{metric} baseline");
        for (var j = 0; j < Names.Length; j++)
        {
            var f = result.Features.Single(x => x.Column == Names[j]);
            var drops = expected.GetProperty("drops")[j].EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(drops.Length, f.Drops.Count);
            for (var r = 0; r < drops.Length; r++) Close.Equal(drops[r], f.Drops[r], $"{metric} {Names[j]} repeat {r}");
            Close.Equal(expected.GetProperty("mean")[j].GetDouble(), f.Mean, $"{metric} {Names[j]} mean");
            Close.Equal(expected.GetProperty("std")[j].GetDouble(), f.Std, $"{metric} {Names[j]} std");
        }
    }

    [Theory]
    [InlineData("auc")]
    [InlineData("log_loss")]
    [InlineData("rmse")]
    public void Compute_LinearModelFixture_RanksColumnsAsScikitLearnsOwnShuffles(string metric)
    {
        var sk = Root.Value.GetProperty("sklearn").GetProperty(metric).GetProperty("mean").EnumerateArray().Select(v => v.GetDouble()).ToArray();

        var result = Compute(metric);

        Assert.Equal(Names.OrderByDescending(n => sk[Array.IndexOf(Names, n)]), result.Features.Select(f => f.Column));
        var unused = result.Features.Single(f => f.Column == "x2");
        Assert.Equal(0.0, sk[2]);
        Assert.Equal(0.0, unused.Mean);
        Assert.Equal(0.0, unused.Std);
    }

    [Fact]
    public void Permutations_SameSeed_SameShufflesAndEachIsAPermutation()
    {
        var a = PermutationImportance.Permutations(50, 3, 9);
        var b = PermutationImportance.Permutations(50, 3, 9);

        Assert.Equal(a, b);
        Assert.All(a, p => Assert.Equal(Enumerable.Range(0, 50), p.Order()));
        Assert.NotEqual(a[0], a[1]);
    }
}
