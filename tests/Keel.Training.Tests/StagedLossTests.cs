using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;
using Keel.Training.Featurization;
using Keel.Training.MlNet;

namespace Keel.Training.Tests;

public class StagedLossTests
{
    // Airport-like codes (a seeded effect per code) and one numeric column, so the trees hold both kinds of split.
    private static TrainingData Codes(int rows, int seed)
    {
        var rng = new Random(seed);
        var effect = Enumerable.Range(0, 120).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        var code = new string?[rows];
        var noise = new double[rows];
        var y = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            var k = rng.Next(effect.Length);
            code[r] = $"C{k:D3}";
            noise[r] = rng.NextDouble();
            y[r] = rng.NextDouble() < 1 / (1 + Math.Exp(-effect[k] - noise[r])) ? 1 : 0;
        }
        var table = new Table([new StringColumn("code", code), new NumericColumn("noise", noise)]);
        return new TrainingData(table, new EncodedLabels { Task = TaskKind.Binary, Classes = ["0", "1"], ClassIndices = y });
    }

    private static TrainingData Data(TaskKind task) => task == TaskKind.Binary ? Codes(3_000, 5) : TestData.ForTask(task);

    // 30 rounds on one thread: the same trees on every machine, so the curve can be pinned.
    private static (FitResult Fit, TrainingData Train, TrainingData Valid) Fit(TaskKind task)
    {
        var (train, valid) = TestData.Split(Data(task));
        var options = new Dictionary<string, string>
        {
            ["number_of_iterations"] = "30", ["learning_rate"] = "0.1", ["early_stopping_rounds"] = "0", ["number_of_threads"] = "1",
        };
        return (TrainerCatalog.Create(new ModelSpec { Type = "lightgbm", Options = options }, task, 0).Fit(train, valid, TestData.Context()), train, valid);
    }

    private static double[][] Pinned(string key)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "staged_loss_curves.json")));
        return [.. json.RootElement.GetProperty(key).EnumerateArray().Select(p => new[] { p[0].GetDouble(), p[1].GetDouble() })];
    }

    [Theory]
    [InlineData(TaskKind.Binary, "binary")]
    [InlineData(TaskKind.Multiclass, "multiclass")]
    [InlineData(TaskKind.Regression, "regression")]
    public void Compute_BlocksOnThreads_SameCurveAsSequentialBitForBit(TaskKind task, string key)
    {
        var curve = Fit(task).Fit.LossCurve!;

        // The fixture holds the curves of the row-by-row, one-thread StagedLoss this replaced (commit 93eac0d).
        var pinned = Pinned(key);
        Assert.Equal(pinned.Length, curve.Points.Count);
        for (var k = 0; k < pinned.Length; k++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(pinned[k][0]), BitConverter.DoubleToInt64Bits(curve.Points[k].Train));
            Assert.Equal(BitConverter.DoubleToInt64Bits(pinned[k][1]), BitConverter.DoubleToInt64Bits(curve.Points[k].Validation!.Value));
        }
    }

    [Fact]
    public void Compute_MulticlassWithAClassAbsentFromTraining_EveryRoundStaged()
    {
        var (train, valid) = TestData.Split(TestData.ForTask(TaskKind.Multiclass));
        var absent = train.Labels.Classes.Count - 1;
        var kept = Enumerable.Range(0, train.Features.RowCount).Where(r => train.Labels.ClassIndices![r] != absent).ToArray();
        var without = new TrainingData(train.Features.Take(kept), train.Labels.Take(kept));
        var options = new Dictionary<string, string>
        {
            ["number_of_iterations"] = "30", ["learning_rate"] = "0.1", ["early_stopping_rounds"] = "0", ["number_of_threads"] = "1",
        };

        var fit = TrainerCatalog.Create(new ModelSpec { Type = "lightgbm", Options = options }, TaskKind.Multiclass, 0).Fit(without, valid, TestData.Context());

        Assert.Equal(30, fit.LossCurve!.Points.Count);
        var p = fit.Model.Predict(valid.Features);
        var own = Enumerable.Range(0, p.Count).Average(r => -Math.Log(Math.Clamp(p.Probabilities![r][valid.Labels.ClassIndices![r]], 1e-15, 1)));
        Assert.Equal(own, fit.LossCurve.Points[^1].Validation!.Value, 5);
        Assert.True(fit.LossCurve.Points[^1].Validation < fit.LossCurve.Points[0].Validation);
    }

    [Fact]
    public void Compute_AnyThreadCount_SameCurve()
    {
        var (fit, train, valid) = Fit(TaskKind.Binary);
        var model = Assert.IsType<MlNetModel>(fit.Model);
        var rows = Featurizer.TransformMatrix(model.Featurizer, train.Features);
        var validRows = Featurizer.TransformMatrix(model.Featurizer, valid.Features);

        var curves = new[] { 1, 3, 16 }.Select(threads => StagedLoss.Compute(model.Transformer, TaskKind.Binary, softmax: true, rows, train.Labels,
            validRows, valid.Labels, seed: 42, threads)!).ToArray();

        Assert.All(curves, c => Assert.Equal(curves[0].Points, c.Points));
        Assert.Equal(fit.LossCurve!.Points, curves[0].Points);
    }
}
