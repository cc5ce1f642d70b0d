using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Training.Tests;

/// <summary>A decision rule (calibration and threshold) stored in the model package is applied by the loaded model.</summary>
public class DecisionPackageTests
{
    private static (IFittedModel Model, TrainingData Train) Linear()
    {
        var (train, _) = TestData.Split(TestData.Credit());
        var model = TrainerCatalog.Create(TestData.FastSpec("linear", TaskKind.Binary), TaskKind.Binary, 0).Fit(train, null, TestData.Context()).Model;
        return (model, train);
    }

    private static IFittedModel RoundTrip(IFittedModel model)
    {
        using var ms = new MemoryStream();
        ModelPackage.Save(model, ms, ["?"]);
        ms.Position = 0;
        return ModelPackage.Open(ms).Model;
    }

    [Fact]
    public void Open_PackageWithSigmoidAndThreshold_PredictsCalibratedProbabilitiesAndThresholdLabels()
    {
        var (model, train) = Linear();
        var rule = new DecisionRule { Calibration = new ProbabilityCalibration("sigmoid", -5.5, 2.25, [], []), Threshold = 0.3, Objective = "costs fp 1, fn 5" };

        var loaded = RoundTrip(ModelPackage.WithDecision(model, rule));

        var raw = model.Predict(train.Features).Probabilities!;
        var p = loaded.Predict(train.Features);
        for (var i = 0; i < raw.Length; i++)
        {
            var expected = 1 / (1 + Math.Exp(-5.5 * raw[i][1] + 2.25));
            Assert.Equal(expected, p.Probabilities![i][1], 12);
            Assert.Equal(1 - expected, p.Probabilities[i][0], 12);
        }
        var labels = p.PredictedClassIndices();
        Assert.Equal(p.Probabilities!.Select(r => r[1] >= 0.3 ? 1 : 0), labels);
        // The threshold changes answers that the larger probability would give otherwise.
        Assert.Contains(p.Probabilities!.Select((r, i) => (r, i)), x => x.r[1] is >= 0.3 and < 0.5 && labels[x.i] == 1);
        var stored = ModelPackage.DecisionOf(loaded)!;
        Assert.Equal((0.3, "costs fp 1, fn 5", "sigmoid", -5.5, 2.25), (stored.Threshold, stored.Objective, stored.Calibration!.Method, stored.Calibration.A, stored.Calibration.B));
        // Saved again (as a registered model is copied), the rule stays.
        Assert.Equal(0.3, ModelPackage.DecisionOf(RoundTrip(loaded))!.Threshold);
    }

    [Fact]
    public void Open_PackageWithIsotonic_InterpolatesAsScikitLearn()
    {
        var (model, train) = Linear();
        var rule = new DecisionRule { Calibration = new ProbabilityCalibration("isotonic", 0, 0, [0.1, 0.4, 0.8], [0.05, 0.2, 0.9]) };

        var loaded = RoundTrip(ModelPackage.WithDecision(model, rule));

        var raw = model.Predict(train.Features).Probabilities!;
        var p = loaded.Predict(train.Features).Probabilities!;
        for (var i = 0; i < raw.Length; i++)
        {
            var f = Math.Clamp(raw[i][1], 0.1, 0.8);
            var expected = f <= 0.4 ? 0.05 + (f - 0.1) * (0.15 / 0.3) : 0.2 + (f - 0.4) * (0.7 / 0.4);
            Assert.Equal(expected, p[i][1], 12);
        }
    }

    [Fact]
    public void Open_PackageWithoutDecision_PredictsAsTheModel()
    {
        var (model, train) = Linear();

        var loaded = RoundTrip(model);

        Assert.Null(ModelPackage.DecisionOf(loaded));
        Assert.Equal(model.Predict(train.Features).Probabilities, loaded.Predict(train.Features).Probabilities);
    }
}
