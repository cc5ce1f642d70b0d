using Keel.Core.Data;
using Keel.Core.Spec;
using Keel.Training.Featurization;
using Keel.Training.MlNet;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace Keel.Training.Tests;

public class ForestCalibrationTests
{
    private static (TrainingData Train, TrainingData Valid, TrainingData Test) Data()
    {
        var (rest, test) = TestData.Split(TestData.Credit());
        var (train, valid) = TestData.Split(rest, 0.25, seed: 11);
        return (train, valid, test);
    }

    /// <summary>The same forest as the default fastforest candidate, so only the calibration differs.</summary>
    private static FastForestBinaryTrainer DefaultForest(MLContext ml)
    {
        var d = new FastForestOptions();
        return ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
        {
            NumberOfTrees = d.NumberOfTrees, NumberOfLeaves = d.NumberOfLeaves, MinimumExampleCountPerLeaf = d.MinimumExampleCountPerLeaf, Seed = 42,
        });
    }

    // What Keel did before: Platt scaling fitted on the forest's own train rows.
    private static double TrainRowCalibratedLogLoss(TrainingData train, TrainingData test)
    {
        var state = Featurizer.Fit(train.Features, new FeaturizerOptions());
        var ml = new MLContext(42);
        var forest = DefaultForest(ml)
            .Append(ml.BinaryClassification.Calibrators.Platt())
            .Fit(new MatrixDataView(Featurizer.TransformMatrix(state, train.Features), TaskKind.Binary, 2, train.Labels));
        var scored = forest.Transform(new MatrixDataView(Featurizer.TransformMatrix(state, test.Features), TaskKind.Binary, 2, null));
        var p = MlNetData.Read(scored, TaskKind.Binary, train.Labels.Classes);
        return Losses.LogLoss(p.Probabilities!, test.Labels.ClassIndices!);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fit_FastForestBinary_HeldOutCalibrationBeatsTrainRowCalibration(bool withValidation)
    {
        var (train, valid, test) = Data();

        // With validation: Platt on the validation rows; without (the refit): on out-of-fold scores.
        var model = TrainerCatalog.Create(new ModelSpec { Type = "fastforest" }, TaskKind.Binary, 0)
            .Fit(train, withValidation ? valid : null, TestData.Context()).Model;

        var logLoss = Losses.LogLoss(model.Predict(test.Features).Probabilities!, test.Labels.ClassIndices!);
        var before = TrainRowCalibratedLogLoss(train, test);
        Assert.True(logLoss < before, $"held-out log loss {logLoss} vs train-row calibration {before}");
    }

    // What Keel did before for multiclass: ML.NET's one-versus-all, each class's forest Platt-calibrated on its own train rows.
    private static double OneVersusAllTrainRowLogLoss(TrainingData train, TrainingData test)
    {
        var state = Featurizer.Fit(train.Features, new FeaturizerOptions());
        var ml = new MLContext(42);
        var k = train.Labels.Classes.Count;
        var forest = DefaultForest(ml);
        var model = ml.MulticlassClassification.Trainers.OneVersusAll(forest, useProbabilities: true)
            .Fit(new MatrixDataView(Featurizer.TransformMatrix(state, train.Features), TaskKind.Multiclass, k, train.Labels));
        var scored = model.Transform(new MatrixDataView(Featurizer.TransformMatrix(state, test.Features), TaskKind.Multiclass, k, null));
        var p = MlNetData.Read(scored, TaskKind.Multiclass, train.Labels.Classes);
        return Losses.LogLoss(p.Probabilities!, test.Labels.ClassIndices!);
    }

    // Measured on penguins (6 splits, 30 % test, mean log loss): validation-calibrated 0.132, out-of-fold 0.103,
    // train-row calibration 0.097. Penguins is nearly separable, so the over-confident calibration is not punished there
    // and held-out calibration is not better; this test checks only the shape of the answer. Quality: the test below.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fit_FastForestMulticlass_OneProbabilityPerClassSummingToOne(bool withValidation)
    {
        var (rest, test) = TestData.Split(TestData.Penguins());
        var (train, valid) = TestData.Split(rest, 0.25, seed: 11);

        // With validation: each class's Platt on the validation rows; without (the refit): on out-of-fold scores.
        var model = TrainerCatalog.Create(new ModelSpec { Type = "fastforest" }, TaskKind.Multiclass, 0)
            .Fit(train, withValidation ? valid : null, TestData.Context()).Model;

        var p = model.Predict(test.Features).Probabilities!;
        Assert.Equal(test.Features.RowCount, p.Length);
        Assert.All(p, row => Assert.Equal(train.Labels.Classes.Count, row.Length));
        Assert.All(p, row => Assert.Equal(1.0, row.Sum(), 9));
    }

    // seattle-weather: five imbalanced, overlapping classes, where over-confidence costs. Mean over three splits
    // (measured: validation 0.513, out-of-fold 0.520, train-row 0.541; single splits vary either way).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fit_FastForestMulticlassNoisy_HeldOutCalibrationBeatsTrainRowCalibrationOnAverage(bool withValidation)
    {
        var data = TestData.Prepare(TestData.ReadCsv("seattle-weather.csv"), "weather", TaskKind.Multiclass);
        double after = 0, before = 0;
        for (var seed = 1; seed <= 3; seed++)
        {
            var (rest, test) = TestData.Split(data, 0.3, seed);
            var (train, valid) = TestData.Split(rest, 0.25, seed: 11);
            var model = TrainerCatalog.Create(new ModelSpec { Type = "fastforest" }, TaskKind.Multiclass, 0)
                .Fit(train, withValidation ? valid : null, TestData.Context()).Model;
            after += Losses.LogLoss(model.Predict(test.Features).Probabilities!, test.Labels.ClassIndices!);
            before += OneVersusAllTrainRowLogLoss(train, test);
        }
        Assert.True(after < before, $"held-out log loss {after / 3} vs train-row calibration {before / 3}");
    }

    [Fact]
    public void Save_FastForestMulticlass_LoadedPackagePredictsTheSame()
    {
        var data = TestData.Penguins();
        var (train, test) = TestData.Split(data);
        var model = TrainerCatalog.Create(new ModelSpec { Type = "fastforest" }, TaskKind.Multiclass, 0).Fit(train, null, TestData.Context()).Model;
        using var ms = new MemoryStream();
        model.Save(ms);
        ms.Position = 0;
        var loaded = ModelPackage.Load(ms);

        // The test split goes through the pooled engines (served requests), all rows through one data view.
        Assert.True(test.Features.RowCount <= MlNetEngines.MaxRows && data.Features.RowCount > MlNetEngines.MaxRows);
        foreach (var rows in new[] { test.Features, data.Features })
        {
            var before = model.Predict(rows).Probabilities!;
            var after = loaded.Predict(rows).Probabilities!;
            Assert.Equal(rows.RowCount, after.Length);
            for (var i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i]);
        }
        // Same seed, same model.
        var again = TrainerCatalog.Create(new ModelSpec { Type = "fastforest" }, TaskKind.Multiclass, 0).Fit(train, null, TestData.Context()).Model;
        Assert.Equal(model.Predict(test.Features).Probabilities!, again.Predict(test.Features).Probabilities!);
    }
}
