using Keel.Core.Spec;
using Keel.Pipeline.Labels;
using Keel.Training;

namespace Keel.Pipeline.Tests;

/// <summary>Self-training and weak labels in a prepared run: the pool only ever joins training rows.</summary>
public sealed class SelfTrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-selftrain-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>penguins.csv with the label of every third row emptied.</summary>
    private string PartlyLabelled()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "Keel.slnx"))) dir = dir.Parent;
        var lines = File.ReadAllLines(Path.Combine(dir.FullName, "samples", "penguins.csv"));
        var path = Path.Combine(_dir, "penguins.csv");
        File.WriteAllLines(path, lines.Select((l, i) => i > 0 && i % 3 == 0 ? l[l.IndexOf(',', StringComparison.Ordinal)..] : l));
        return path;
    }

    private PreparedRun Prepare(string labels)
    {
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"data: {{path: {PartlyLabelled()}, label: Species}}\nmodels: [linear]\nseed: 3\n{labels}");
        return RunPreparation.Prepare(spec, null);
    }

    [Fact]
    public void Run_PenguinPool_AddsExactlyTheRowsPredictedAboveTheThreshold()
    {
        var run = Prepare("labels: {self_training: {threshold: 0.97, iterations: 3}}\n");
        var train = new TrainingData(run.Features.Take(run.Split.Train), run.Label.Labels.Take(run.Split.Train));
        var context = new TrainContext(3, "penguins.csv");
        var pool = run.Pool!.Features;

        var (grown, summary) = SelfTraining.Run(run.Candidates[0].Trainer, train, pool, new SelfTrainingSpec { Threshold = 0.97, Iterations = 3 }, context);

        Assert.All(summary.Confidences, c => Assert.True(c >= 0.97, $"added with {c}"));
        // Round one adds exactly the pool rows the model fitted on the labelled rows alone predicts at 0.97 or more.
        var first = run.Candidates[0].Trainer.Fit(train, null, context).Model.Predict(pool).Probabilities!;
        var expected = Enumerable.Range(0, pool.RowCount).Where(r => first[r].Max() >= 0.97).ToArray();
        Assert.Equal(expected, summary.Added.Take(summary.AddedPerIteration[0]).ToArray());
        Assert.Equal(train.Features.RowCount + summary.Added.Length, grown.Features.RowCount);
        Assert.True(summary.Added.Length > 0 && summary.Added.Length <= pool.RowCount);
    }

    [Fact]
    public void Prepare_LabelsSection_SplitIsOverLabelledRowsOnlyAndUnchanged()
    {
        var plain = Prepare("");
        var pooled = Prepare("labels: {self_training: {threshold: 0.9}}\n");

        Assert.Null(plain.Pool);
        Assert.Equal(114, pooled.Pool!.Features.RowCount);
        Assert.Equal(plain.Split.Train, pooled.Split.Train);
        Assert.Equal(plain.Split.Validation, pooled.Split.Validation);
        Assert.Equal(plain.Split.Test, pooled.Split.Test);
        Assert.Equal(plain.Features.RowCount, pooled.Features.RowCount);
    }

    [Fact]
    public void Train_SelfTraining_ValidationAndTestScoredOnTheSameLabelledRows()
    {
        var run = Prepare("labels: {self_training: {threshold: 0.97, iterations: 2}}\n");
        var trainer = new CandidateTrainer(run, TimeProvider.System);

        var outcome = trainer.Train(run.Candidates[0]);

        Assert.True(trainer.SelfTrained!.Added.Length > 0);
        Assert.Equal(run.Split.Test.Length, outcome.TestPredictions!.Count);
        Assert.Equal(run.Split.Train.Length + trainer.SelfTrained.Added.Length, trainer.LastTrainFeatures.RowCount);
    }

    [Fact]
    public void Prepare_WeakRules_PoolRowsGetTheLabelModelsLabels()
    {
        File.WriteAllText(Path.Combine(_dir, "rules.lf"), """
            island: Island == "Torgersen" -> Adelie
            island: Island == "Dream" -> Chinstrap
            beak: `Beak Length (mm)` < 40 -> Adelie
            beak: `Beak Depth (mm)` < 16 -> Gentoo
            flipper: `Flipper Length (mm)` > 210 -> Gentoo
            """);

        var run = Prepare("labels: {weak: rules.lf, min_confidence: 0.6}\n");

        Assert.InRange(run.Pool!.WeakRows.Length, 50, 114);
        Assert.True(run.Pool.WeakAccuracy > 0.7);
        Assert.All(run.Pool.WeakLabels, c => Assert.InRange(c, 0, 2));
    }

    [Fact]
    public void Prepare_WeakRulesVoteUnknownClass_ErrorNamesFieldAndClass()
    {
        File.WriteAllText(Path.Combine(_dir, "rules.lf"), "a: Island == \"Dream\" -> Emperor\nb: Island == \"Biscoe\" -> Gentoo\n");

        var e = Assert.Throws<Keel.Core.KeelInputException>(() => Prepare("labels: {weak: rules.lf}\n"));

        Assert.Contains("keel.yaml field 'labels.weak'", e.Message);
        Assert.Contains("'Emperor'", e.Message);
    }
}
