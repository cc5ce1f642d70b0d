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

    // What Keel did before: Platt scaling fitted on the forest's own train rows.
    private static double TrainRowCalibratedLogLoss(TrainingData train, TrainingData test)
    {
        var state = Featurizer.Fit(train.Features, new FeaturizerOptions());
        var ml = new MLContext(42);
        var forest = ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options { NumberOfTrees = 100, NumberOfLeaves = 20, MinimumExampleCountPerLeaf = 10, Seed = 42 })
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
}
