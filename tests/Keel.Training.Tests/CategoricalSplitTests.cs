using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;

namespace Keel.Training.Tests;

public class CategoricalSplitTests
{
    private const int Levels = 300;

    // The label depends only on which of 300 airport-like codes a row has (a seeded effect per code) plus noise, so a model
    // must tell the codes apart. Hashing into 64 buckets mixes about five codes per bucket; native splits keep each code.
    private static (TrainingData Train, TrainingData Test, double[] Truth) Codes(int rows, int seed)
    {
        var rng = new Random(seed);
        var effect = Enumerable.Range(0, Levels).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        var names = Enumerable.Range(0, Levels).Select(i => $"C{i:D3}").ToArray();
        var code = new string?[rows];
        var noise = new double[rows];
        var y = new int[rows];
        var truth = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var k = rng.Next(Levels);
            code[r] = names[k];
            noise[r] = rng.NextDouble();
            truth[r] = 1 / (1 + Math.Exp(-effect[k]));
            y[r] = rng.NextDouble() < truth[r] ? 1 : 0;
        }
        var table = new Table([new StringColumn("code", code), new NumericColumn("noise", noise)]);
        var (train, test) = FirstThreeQuarters(table, y);
        return (train, test, truth[(rows * 3 / 4)..]);
    }

    // The first three quarters of the rows train, the rest test (binary labels y).
    private static (TrainingData Train, TrainingData Test) FirstThreeQuarters(Table table, int[] y)
    {
        var labels = new EncodedLabels { Task = TaskKind.Binary, Classes = ["0", "1"], ClassIndices = y };
        var cut = y.Length * 3 / 4;
        int[] train = [.. Enumerable.Range(0, cut)], test = [.. Enumerable.Range(cut, y.Length - cut)];
        return (new TrainingData(table.Take(train), labels.Take(train)), new TrainingData(table.Take(test), labels.Take(test)));
    }

    private static Predictions FitPredict(TrainingData train, TrainingData test, Dictionary<string, string> options) =>
        TrainerCatalog.Create(new ModelSpec { Type = "lightgbm", Options = options }, TaskKind.Binary, 0)
            .Fit(train, null, TestData.Context()).Model.Predict(test.Features);

    [Fact]
    public void LightGbm_300LevelCategorical_NativeSplitsBeatHashing()
    {
        var (train, test, truth) = Codes(40_000, seed: 11);
        var y = test.Labels.ClassIndices!;
        var options = new Dictionary<string, string> { ["number_of_iterations"] = "100", ["learning_rate"] = "0.1", ["number_of_threads"] = "1" };

        var native = TestData.Auc(FitPredict(train, test, options), y);
        var hashed = TestData.Auc(FitPredict(train, test, new(options) { ["categorical_split"] = "false" }), y);
        // The best any model can do: rank by the true probability of each row's code.
        var oracle = TestData.Auc(new Predictions { Task = TaskKind.Binary, Classes = ["0", "1"], Probabilities = [.. truth.Select(p => new[] { 1 - p, p })] }, y);

        Assert.True(native > hashed + 0.05, $"native {native:F4}, hashed {hashed:F4}, oracle {oracle:F4}");
        Assert.True(native > oracle - 0.02, $"native {native:F4}, oracle {oracle:F4}");
    }

    [Fact]
    public void LightGbm_NativeSplits_LossCurveEndsAtModelLoss()
    {
        var (train, test, _) = Codes(8_000, seed: 12);
        var options = new Dictionary<string, string> { ["number_of_iterations"] = "40", ["learning_rate"] = "0.1", ["early_stopping_rounds"] = "0" };
        var trainer = TrainerCatalog.Create(new ModelSpec { Type = "lightgbm", Options = options }, TaskKind.Binary, 0);

        var fit = trainer.Fit(train, test, TestData.Context());
        var p = fit.Model.Predict(test.Features);
        var y = test.Labels.ClassIndices!;
        var logLoss = -y.Select((c, i) => Math.Log(Math.Clamp(p.Probabilities![i][c], Losses.Epsilon, 1))).Average();

        // The curve is staged through the categorical splits; its last validation point is the model's own loss.
        Assert.NotNull(fit.LossCurve);
        Assert.Equal(logLoss, fit.LossCurve!.Points[^1].Validation!.Value, 4);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public void LightGbm_SameSeedAndThreads_IdenticalPredictions(string threads)
    {
        var (train, test, _) = Codes(20_000, seed: 13);
        var options = new Dictionary<string, string> { ["number_of_iterations"] = "60", ["number_of_threads"] = threads };

        var first = FitPredict(train, test, options).Probabilities!;
        var second = FitPredict(train, test, options).Probabilities!;

        Assert.Equal(first.Select(r => r[1]), second.Select(r => r[1]));
    }

    [Fact]
    public void LightGbm_CategoricalSplitOptions_ChangeTheModel()
    {
        // 8,000 rows over 300 codes: about 20 rows a code, so LightGBM's defaults (100 rows a side, smoothing 10, L2 10,
        // 32 values a side) hold the categorical splits back, and XGBoost-like settings must give other trees.
        var (train, test, _) = Codes(8_000, seed: 14);
        var options = new Dictionary<string, string> { ["number_of_iterations"] = "40", ["learning_rate"] = "0.1", ["number_of_threads"] = "1" };
        var light = new Dictionary<string, string>(options)
        {
            ["minimum_example_count_per_group"] = "1", ["maximum_categorical_split_point_count"] = "64",
            ["categorical_smoothing"] = "0", ["categorical_l2_regularization"] = "0", ["minimum_child_weight"] = "0.01",
        };
        var trainer = TrainerCatalog.Create(new ModelSpec { Type = "lightgbm", Options = light }, TaskKind.Binary, 0);

        var byDefault = FitPredict(train, test, options).Probabilities!.Select(r => r[1]).ToArray();
        var lighter = FitPredict(train, test, light).Probabilities!.Select(r => r[1]).ToArray();

        Assert.NotEqual(byDefault, lighter);
        Assert.Equal("64", trainer.EffectiveParams["maximum_categorical_split_point_count"]);
        Assert.Equal("0", trainer.EffectiveParams["categorical_smoothing"]);
    }

    // Two small categorical columns (a: aValues values, b: 8) whose values each move the label, and a numeric one.
    private static (TrainingData Train, TrainingData Test) SmallCategories(int rows, int seed, int aValues = 5)
    {
        var rng = new Random(seed);
        string?[] a = new string?[rows], b = new string?[rows];
        var x = new double[rows];
        var y = new int[rows];
        double[] ea = [.. Enumerable.Range(0, aValues).Select(i => -1 + 2.0 * i / (aValues - 1))], eb = [-1.5, -1, -0.5, 0, 0.3, 0.8, 1.2, 1.5];
        for (var r = 0; r < rows; r++)
        {
            int i = rng.Next(ea.Length), j = rng.Next(eb.Length);
            (a[r], b[r], x[r]) = ($"a{i}", $"b{j}", rng.NextDouble() * 2 - 1);
            y[r] = rng.NextDouble() < 1 / (1 + Math.Exp(-(ea[i] + eb[j] + x[r]))) ? 1 : 0;
        }
        var table = new Table([new StringColumn("a", a), new StringColumn("b", b), new NumericColumn("x", x)]);
        return FirstThreeQuarters(table, y);
    }

    [Fact]
    public void LightGbm_ColumnsWithinMaximumOneHotCategories_SplitAsOneHotSlots()
    {
        var (train, test) = SmallCategories(3_000, seed: 15);
        var options = new Dictionary<string, string> { ["number_of_iterations"] = "40", ["learning_rate"] = "0.1", ["number_of_threads"] = "1" };
        double[] Scores(Dictionary<string, string> o) => [.. FitPredict(train, test, o).Probabilities!.Select(r => r[1])];

        var oneHot = Scores(new(options) { ["categorical_split"] = "false" });
        var bothOneHot = Scores(new(options) { ["maximum_one_hot_categories"] = "8" });
        var bOnlyNative = Scores(new(options) { ["maximum_one_hot_categories"] = "5" });
        var native = Scores(new(options) { ["maximum_one_hot_categories"] = "0" });

        // Both columns within the limit: the same trees as one-hot slots, bit for bit.
        Assert.Equal(oneHot, bothOneHot);
        // The 8-value column over the limit is split natively, and with no limit both are: other trees each time.
        Assert.NotEqual(oneHot, bOnlyNative);
        Assert.NotEqual(bOnlyNative, native);
        Assert.Equal("4", TrainerCatalog.Create(new ModelSpec { Type = "lightgbm" }, TaskKind.Binary, 0).EffectiveParams["maximum_one_hot_categories"]);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void LightGbm_NativeSplitsOfAFewValues_OneAgainstTheRestUpToThreeValues(int values, bool sameAsOneHot)
    {
        // What models.md says of ML.NET's hand-over: LightGBM itself splits a column of up to three values one against the
        // rest, not one of four, which is why maximum_one_hot_categories defaults to LightGBM's 4.
        var (train, test) = SmallCategories(3_000, seed: 16, aValues: values);
        var options = new Dictionary<string, string> { ["number_of_iterations"] = "40", ["learning_rate"] = "0.1", ["number_of_threads"] = "1" };
        double[] Scores(string limit) => [.. FitPredict(train, test, new(options) { ["maximum_one_hot_categories"] = limit }).Probabilities!.Select(r => r[1])];

        var aNative = Scores("0");
        var aOneHot = Scores(values.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(sameAsOneHot, aNative.SequenceEqual(aOneHot));
    }

    [Theory]
    [InlineData("maximum_one_hot_categories", "-1", "'maximum_one_hot_categories' must be an integer from 0 to 10000, got '-1'")]
    [InlineData("categorical_smoothing", "-1", "'categorical_smoothing' must be a number in [0, 1000000], got '-1'")]
    [InlineData("maximum_categorical_split_point_count", "0", "'maximum_categorical_split_point_count' must be an integer from 1 to 65535, got '0'")]
    [InlineData("minimum_example_count_per_group", "x", "'minimum_example_count_per_group' must be an integer from 1 to")]
    public void Catalog_CategoricalOptionOutOfRange_NamesOptionAndRange(string option, string value, string expected)
    {
        var spec = new ModelSpec { Type = "lightgbm", Options = new Dictionary<string, string> { [option] = value } };

        var error = Assert.Throws<Keel.Core.KeelInputException>(() => TrainerCatalog.Create(spec, TaskKind.Binary, 1));

        Assert.Contains("models[1]", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Catalog_CategoricalSplitNotBoolean_NamesOptionAndValue()
    {
        var spec = new ModelSpec { Type = "lightgbm", Options = new Dictionary<string, string> { ["categorical_split"] = "maybe" } };

        var error = Assert.Throws<Keel.Core.KeelInputException>(() => TrainerCatalog.Create(spec, TaskKind.Binary, 2));

        Assert.Contains("models[2]", error.Message);
        Assert.Contains("'categorical_split' must be true or false, got 'maybe'", error.Message);
    }
}
