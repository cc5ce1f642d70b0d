using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Training.Featurization;
using Keel.Training.Linear;

namespace Keel.Training.Tests;

/// <summary>Example weights: balanced class weights as scikit-learn's compute_class_weight, every ML.NET trainer honouring them, and
/// the ridge solve weighting rows as duplicating them would.</summary>
public sealed class WeightTests
{
    /// <summary>A seeded skewed binary set: 6 % positives whose two features overlap the negatives'.</summary>
    private static TrainingData Skewed(int n, int seed, int classes = 2)
    {
        var random = new Random(seed);
        var x1 = new double[n];
        var x2 = new double[n];
        var y = new int[n];
        for (var i = 0; i < n; i++)
        {
            var u = random.NextDouble();
            y[i] = classes == 2 ? (u < 0.06 ? 1 : 0) : (u < 0.06 ? 2 : u < 0.3 ? 1 : 0);
            x1[i] = 1.2 * y[i] + Gaussian(random);
            x2[i] = -0.8 * y[i] + Gaussian(random);
        }
        var table = new Table([new NumericColumn("x1", x1), new NumericColumn("x2", x2)]);
        var names = classes == 2 ? new[] { "no", "yes" } : ["a", "b", "c"];
        return new TrainingData(table, new EncodedLabels { Task = classes == 2 ? TaskKind.Binary : TaskKind.Multiclass, Classes = names, ClassIndices = y });
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    /// <summary>Recall of class <paramref name="c"/>: of its rows, the share predicted as it.</summary>
    private static double Recall(IFittedModel model, TrainingData test, int c)
    {
        var predicted = model.Predict(test.Features).PredictedClassIndices();
        var y = test.Labels.ClassIndices!;
        var rows = Enumerable.Range(0, y.Length).Where(i => y[i] == c).ToArray();
        return rows.Count(i => predicted[i] == c) / (double)rows.Length;
    }

    [Fact]
    public void Balanced_FixtureCounts_EqualScikitLearnComputeClassWeight()
    {
        var root = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "weighted_fixtures.json"))).RootElement;
        foreach (var c in root.GetProperty("balanced").EnumerateArray())
        {
            var counts = c.GetProperty("counts").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var y = counts.SelectMany((n, k) => Enumerable.Repeat(k, n)).ToArray();

            var w = ExampleWeights.Balanced(y, counts.Length);

            var expected = c.GetProperty("weights").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (var k = 0; k < w.Length; k++) Assert.Equal(expected[k], w[k], 12);
        }
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    [InlineData("fastforest")]
    public void Fit_BalancedClassWeightsOnSkewedBinary_MinorityRecallRises(string type)
    {
        var train = Skewed(3000, 11);
        var test = Skewed(3000, 12);
        var trainer = TrainerCatalog.Create(new ModelSpec { Type = type }, TaskKind.Binary, 0);
        var weighted = train with { Weights = ExampleWeights.Combine(null, ExampleWeights.Balanced(train.Labels.ClassIndices!, 2), train.Labels.ClassIndices) };

        var plain = trainer.Fit(train, null, new TrainContext(42, "skewed"));
        var balanced = trainer.Fit(weighted, null, new TrainContext(42, "skewed"));

        Assert.True(trainer.HonoursWeights);
        var before = Recall(plain.Model, test, 1);
        var after = Recall(balanced.Model, test, 1);
        Assert.True(after > before + 0.1, $"{type}: minority recall {before:0.###} unweighted, {after:0.###} with balanced class weights");
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    [InlineData("fastforest")]
    public void Fit_BalancedClassWeightsOnSkewedMulticlass_MinorityRecallRises(string type)
    {
        var train = Skewed(3000, 21, classes: 3);
        var test = Skewed(3000, 22, classes: 3);
        var trainer = TrainerCatalog.Create(new ModelSpec { Type = type }, TaskKind.Multiclass, 0);
        var weighted = train with { Weights = ExampleWeights.Combine(null, ExampleWeights.Balanced(train.Labels.ClassIndices!, 3), train.Labels.ClassIndices) };

        var before = Recall(trainer.Fit(train, null, new TrainContext(42, "skewed")).Model, test, 2);
        var after = Recall(trainer.Fit(weighted, null, new TrainContext(42, "skewed")).Model, test, 2);

        Assert.True(after > before + 0.1, $"{type}: minority recall {before:0.###} unweighted, {after:0.###} with balanced class weights");
    }

    [Theory]
    [InlineData(RidgeSolver.MaxDirectWidth)]
    [InlineData(0)]
    public void RidgeFit_IntegerWeights_SameAsDuplicatedRows(int directWidth)
    {
        var rng = new Random(5);
        const int n = 120, p = 4;
        var columns = Enumerable.Range(0, p).Select(j => new NumericColumn($"x{j}", Enumerable.Range(0, n).Select(_ => rng.NextDouble() * (j + 1)).ToArray())).ToArray();
        var y = Enumerable.Range(0, n).Select(r => columns.Sum(c => c.Values[r] * (c.Name.Length - 1.5)) + rng.NextDouble()).ToArray();
        var weights = Enumerable.Range(0, n).Select(i => (double)(i % 3)).ToArray();
        var copies = Enumerable.Range(0, n).SelectMany(i => Enumerable.Repeat(i, i % 3)).ToArray();
        var table = new Table(columns);
        var state = Featurizer.Fit(table, new FeaturizerOptions { Standardize = true });
        var raw = Featurizer.TransformMatrix(state with { Means = null, Scales = null }, table);
        var repeatedRaw = Featurizer.TransformMatrix(state with { Means = null, Scales = null }, table.Take(copies));

        var weighted = RidgeSolver.Fit(raw, state, y, alpha: 1, maxIterations: 100, directWidth, weights);
        var repeated = RidgeSolver.Fit(repeatedRaw, state, copies.Select(i => y[i]).ToArray(), alpha: 1, maxIterations: 100, directWidth);

        Assert.Equal(repeated.Intercept, weighted.Intercept, 9);
        for (var j = 0; j < p; j++) Assert.Equal(repeated.Weights[j], weighted.Weights[j], 9);
    }
}
