using Keel.Core.Data;
using Keel.Training.Explanation;

namespace Keel.Training.Tests;

/// <summary>Per-prediction contributions of linear and tree models (credit_data, ames, penguins samples).</summary>
public sealed class ContributionsTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    private static Table TestRows(TaskKind task) => TestData.Split(TestData.ForTask(task)).Test.Features;

    private static double Logit(double p) => Math.Log(p / (1 - p));

    [Fact]
    public void Compute_LinearBinary_ContributionsAddUpToTheLogOddsLessOneBias()
    {
        var model = models.Get("linear", TaskKind.Binary).Model;
        var rows = TestRows(TaskKind.Binary);

        var c = Contributions.Compute(model, rows)!;

        var p = model.Predict(rows).Probabilities!;
        // Probabilities are floats: away from 0 and 1 their log-odds keep enough digits.
        var bias = Enumerable.Range(0, rows.RowCount).Where(r => p[r][1] is > 0.05 and < 0.95).Select(r => Logit(p[r][1]) - c.Values[r].Sum()).ToArray();
        Assert.Equal("log-odds", c.Space);
        Assert.Equal(model.InputSchema.Columns.Select(x => x.Name), c.Columns);
        Assert.True(bias.Length > rows.RowCount / 2);
        Assert.True(bias.Max() - bias.Min() < 1e-4, $"log-odds less contributions ranges over [{bias.Min()}, {bias.Max()}]");
        Assert.Contains(c.Values, row => row.Any(v => Math.Abs(v) > 0.1));
    }

    [Fact]
    public void Compute_RidgeRegression_ContributionsAddUpToThePredictionLessTheIntercept()
    {
        var model = models.Get("linear", TaskKind.Regression).Model;
        var rows = TestRows(TaskKind.Regression);

        var c = Contributions.Compute(model, rows)!;

        var v = model.Predict(rows).Values!;
        var intercept = Enumerable.Range(0, rows.RowCount).Select(r => v[r] - c.Values[r].Sum()).ToArray();
        Assert.Equal("value", c.Space);
        Assert.True(intercept.Max() - intercept.Min() < 1e-3 * Math.Max(1, Math.Abs(intercept[0])), $"prediction less contributions ranges over [{intercept.Min()}, {intercept.Max()}]");
    }

    [Theory]
    [InlineData("fasttree", TaskKind.Binary)]
    [InlineData("lightgbm", TaskKind.Binary)]
    [InlineData("fastforest", TaskKind.Binary)]
    [InlineData("random_forest", TaskKind.Binary)]
    [InlineData("fasttree", TaskKind.Regression)]
    [InlineData("random_forest", TaskKind.Regression)]
    [InlineData("lightgbm", TaskKind.Regression)]
    public void Compute_TreeModel_EveryRowHasContributionsPerInputColumn(string type, TaskKind task)
    {
        var model = models.Get(type, task).Model;
        var rows = TestRows(task);

        var c = Contributions.Compute(model, rows);

        Assert.NotNull(c);
        Assert.Equal("score", task == TaskKind.Binary ? c.Space : "score");
        Assert.Equal(rows.RowCount, c.Values.Length);
        Assert.All(c.Values, r => Assert.Equal(model.InputSchema.Columns.Count, r.Length));
        // A tree moves every row's score along its path: some column contributes to nearly every row.
        Assert.True(c.Values.Count(r => r.Any(v => v != 0)) > rows.RowCount * 0.9);
        var top = c.Top(0, 3);
        Assert.Equal(3, top.Count);
        Assert.True(Math.Abs(top[0].Contribution) >= Math.Abs(top[1].Contribution) && Math.Abs(top[1].Contribution) >= Math.Abs(top[2].Contribution));
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("zero_rule")]
    public void Compute_MulticlassOrBaseline_Null(string type)
    {
        var task = type == "linear" ? TaskKind.Multiclass : TaskKind.Binary;
        var model = models.Get(type, task).Model;

        Assert.Null(Contributions.Compute(model, TestRows(task)));
        Assert.False(Contributions.Supported(model));
    }
}

/// <summary>Contributions of models read back from their packages (what keel predict loads).</summary>
public sealed class ContributionsPackageTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    [Theory]
    [InlineData("linear", TaskKind.Binary)]
    [InlineData("fasttree", TaskKind.Binary)]
    [InlineData("lightgbm", TaskKind.Binary)]
    [InlineData("fastforest", TaskKind.Binary)]
    [InlineData("fastforest", TaskKind.Regression)]
    [InlineData("random_forest", TaskKind.Binary)]
    [InlineData("linear", TaskKind.Regression)]
    public void Compute_ModelReadBackFromItsPackage_SameContributions(string type, TaskKind task)
    {
        var model = models.Get(type, task).Model;
        var rows = TestData.Split(TestData.ForTask(task)).Test.Features;
        using var package = new MemoryStream();
        ModelPackage.Save(model, package, null);
        package.Position = 0;

        var loaded = ModelPackage.Load(package);

        Assert.Equal(Contributions.Compute(model, rows)!.Values, Contributions.Compute(loaded, rows)!.Values);
    }
}
