using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Training.Featurization;
using Keel.Training.Linear;

namespace Keel.Training.Tests;

public class RidgeTests
{
    private sealed record Fixture(string[] Columns, string Label, double Alpha, int[] TrainRows, int[] TestRows, double Intercept, double[] Predictions, double Rmse);

    private static Fixture Load() => JsonSerializer.Deserialize<Fixture>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "ridge_ames.json")),
        new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;

    [Fact]
    public void Fit_LinearRegressionOnAmes_MatchesScikitLearnRidgeFixture()
    {
        var f = Load();
        var table = TestData.ReadCsv("ames.csv");
        table = table.Drop(table.Columns.Select(c => c.Name).Where(n => !f.Columns.Contains(n) && n != f.Label));
        var all = TestData.Prepare(table, f.Label, TaskKind.Regression);
        var train = new TrainingData(all.Features.Take(f.TrainRows), all.Labels.Take(f.TrainRows));
        var options = new Dictionary<string, string> { ["l2_regularization"] = f.Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture) };

        var model = TrainerCatalog.Create(new ModelSpec { Type = "linear", Options = options }, TaskKind.Regression, 0).Fit(train, null, TestData.Context()).Model;
        var predicted = model.Predict(all.Features.Take(f.TestRows)).Values!;

        Assert.Equal(f.Predictions.Length, predicted.Length);
        for (var i = 0; i < predicted.Length; i++)
            Assert.True(Math.Abs(predicted[i] - f.Predictions[i]) <= 1e-4 * Math.Abs(f.Predictions[i]), $"row {f.TestRows[i]}: {predicted[i]} vs scikit-learn {f.Predictions[i]}");
    }

    [Fact]
    public void Fit_WiderThanDirectLimit_ConjugateGradientsMatchCholesky()
    {
        var rng = new Random(3);
        const int n = 400, p = 12;
        var columns = Enumerable.Range(0, p).Select(j => new NumericColumn($"x{j}", Enumerable.Range(0, n).Select(_ => rng.NextDouble() * (j + 1)).ToArray())).ToArray();
        var y = Enumerable.Range(0, n).Select(r => columns.Sum(c => c.Values[r] * (c.Name.Length - 1.5)) + rng.NextDouble()).ToArray();
        var state = Featurizer.Fit(new Table(columns), new FeaturizerOptions { Standardize = true });
        var raw = Featurizer.TransformMatrix(state with { Means = null, Scales = null }, new Table(columns));

        var direct = RidgeSolver.Fit(raw, state, y, alpha: 1, maxIterations: 100);
        var iterative = RidgeSolver.Fit(raw, state, y, alpha: 1, maxIterations: 100, directWidth: 0);

        Assert.Equal(direct.Intercept, iterative.Intercept, 6);
        for (var j = 0; j < p; j++) Assert.Equal(direct.Weights[j], iterative.Weights[j], 6);
    }

    [Fact]
    public void Fit_ZeroPenaltyWithConstantColumn_Solves()
    {
        var train = new TrainingData(
            new Table([new NumericColumn("x", [1, 2, 3, 4]), new NumericColumn("c", [7, 7, 7, 7])]),
            new EncodedLabels { Task = TaskKind.Regression, Values = [3, 5, 7, 9] });
        var spec = new ModelSpec { Type = "linear", Options = new Dictionary<string, string> { ["l2_regularization"] = "0" } };

        var p = TrainerCatalog.Create(spec, TaskKind.Regression, 0).Fit(train, null, TestData.Context()).Model.Predict(train.Features).Values!;

        Assert.Equal([3, 5, 7, 9], p.Select(v => Math.Round(v, 4)));
    }
}
