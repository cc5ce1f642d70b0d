using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Training.Featurization;
using Keel.Training.MlNet;

namespace Keel.Training.Tests;

/// <summary>Keel scores LightGBM, FastTree and FastForest models itself (<see cref="TreeScorer"/>): every prediction must be
/// ML.NET's own, bit for bit, fresh and after the package's round trip.</summary>
public class TreeScorerTests
{
    // Airport-like codes and carriers (a seeded effect per code and carrier), a number and a two-level flag, so the trees
    // split on categories (LightGBM's native splits of the 80 codes and 12 carriers: a row has two slots above 0 among the
    // categorical ones, so splits of one or two categories read their own slots and longer ones the row's) and on numbers; the three classes and regression's target follow the same effects.
    private static TrainingData Codes(int rows, TaskKind task, int seed)
    {
        var rng = new Random(seed);
        var effect = Enumerable.Range(0, 80).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        var carrierEffect = Enumerable.Range(0, 12).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var code = new string?[rows];
        var carrier = new string?[rows];
        var amount = new double[rows];
        var flag = new string?[rows];
        var y = new int[rows];
        var values = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var k = rng.Next(effect.Length);
            code[r] = $"C{k:D2}";
            var c = rng.Next(carrierEffect.Length);
            carrier[r] = $"K{c:D2}";
            amount[r] = Math.Round(rng.NextDouble() * 100, 1);
            flag[r] = rng.Next(2) == 0 ? "yes" : "no";
            var z = effect[k] + carrierEffect[c] + amount[r] / 50 - 1 + (flag[r] == "yes" ? 0.5 : 0);
            var u = z + Math.Log(1 / rng.NextDouble() - 1);
            y[r] = task == TaskKind.Multiclass ? (u < -1 ? 0 : u < 1 ? 1 : 2) : u > 0 ? 1 : 0;
            values[r] = 10 * z + rng.NextDouble();
        }
        var table = new Table([new StringColumn("code", code), new StringColumn("carrier", carrier), new NumericColumn("amount", amount),
            new StringColumn("flag", flag)]);
        var labels = task == TaskKind.Regression
            ? new EncodedLabels { Task = task, Values = values }
            : new EncodedLabels { Task = task, Classes = task == TaskKind.Multiclass ? ["low", "mid", "high"] : ["0", "1"], ClassIndices = y };
        return new TrainingData(table, labels);
    }

    // ML.NET's own scoring of the rows.
    private static Predictions MlNetPredict(MlNetModel model, Table features) => model.PredictByMlNet(Featurizer.TransformMatrix(model.Featurizer, features));

    private static void AssertSame(Predictions expected, Predictions actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            if (expected.Task == TaskKind.Regression) Assert.Equal(expected.Values![i], actual.Values![i]);
            else Assert.Equal(expected.Probabilities![i], actual.Probabilities![i]);
        }
    }

    [Theory]
    [InlineData("lightgbm", TaskKind.Binary)]
    [InlineData("lightgbm", TaskKind.Regression)]
    [InlineData("fasttree", TaskKind.Binary)]
    [InlineData("fasttree", TaskKind.Regression)]
    [InlineData("fastforest", TaskKind.Binary)]
    [InlineData("fastforest", TaskKind.Regression)]
    [InlineData("lightgbm", TaskKind.Multiclass)]
    [InlineData("fasttree", TaskKind.Multiclass)]
    [InlineData("fastforest", TaskKind.Multiclass)]
    public void Predict_TreeModels_KeelScoresThemExactlyAsMlNet(string type, TaskKind task)
    {
        var (train, test) = TestData.Split(Codes(4_000, task, seed: 3));
        var options = type == "lightgbm" ? new Dictionary<string, string> { ["number_of_threads"] = "1" } : [];
        var fit = TrainerCatalog.Create(new ModelSpec { Type = type, Options = options }, task, 0).Fit(train, test, TestData.Context());
        var model = Assert.IsType<MlNetModel>(fit.Model);
        Assert.NotNull(TreeScorer.For(model.Transformer, task));
        if (type == "lightgbm" && task == TaskKind.Binary)
        {
            var trees = TreeMember.Read(((Microsoft.ML.IPredictionTransformer<object>)model.Transformer).Model, task)![0].Ensemble.Trees;
            var sizes = trees.SelectMany(t => Enumerable.Range(0, t.NumberOfNodes).Where(n => t.CategoricalSplitFlags[n]).Select(n => t.GetCategoricalSplitFeaturesAt(n).Count)).ToList();
            Assert.Contains(sizes, n => n <= 2);
            Assert.Contains(sizes, n => n > 2);
        }

        // Every size of batch, from one served row to the whole set, in blocks of many rows on several threads.
        foreach (var features in new[] { test.Features, train.Features, test.Features.Take([0]), test.Features.Take([.. Enumerable.Range(0, 65)]) })
            AssertSame(MlNetPredict(model, features), model.Predict(features));

        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = Assert.IsType<MlNetModel>(ModelPackage.Load(stream));
        Assert.NotNull(TreeScorer.For(loaded.Transformer, task));
        AssertSame(MlNetPredict(loaded, test.Features), loaded.Predict(test.Features));
        AssertSame(model.Predict(test.Features), loaded.Predict(test.Features));
    }

    [Fact]
    public void For_LinearModels_LeftToMlNet()
    {
        // (Linear regression is Keel's own ridge, not ML.NET's.)
        foreach (var task in new[] { TaskKind.Binary, TaskKind.Multiclass })
        {
            var (train, test) = TestData.Split(TestData.ForTask(task));
            var linear = (MlNetModel)TrainerCatalog.Create(TestData.FastSpec("linear", task), task, 0).Fit(train, null, TestData.Context()).Model;
            Assert.Null(TreeScorer.For(linear.Transformer, task));
            AssertSame(MlNetPredict(linear, test.Features), linear.Predict(test.Features));
        }
    }

    [Fact]
    public void Predict_RowsWithMissingValues_LeftToMlNet()
    {
        var (train, test) = TestData.Split(Codes(1_000, TaskKind.Binary, seed: 4));
        var model = (MlNetModel)TrainerCatalog.Create(new ModelSpec { Type = "lightgbm" }, TaskKind.Binary, 0).Fit(train, null, TestData.Context()).Model;
        var rows = Featurizer.TransformMatrix(model.Featurizer, test.Features);
        var scorer = TreeScorer.For(model.Transformer, TaskKind.Binary)!;
        Assert.NotNull(scorer.Predict(rows, model.Classes));

        rows.Dense(3, model.Featurizer.FeatureNames.ToList().IndexOf("amount"), 1)[0] = float.NaN;
        Assert.True(rows.HasMissing());
        Assert.Null(scorer.Predict(rows, model.Classes));
    }
}
