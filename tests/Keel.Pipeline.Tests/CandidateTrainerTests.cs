namespace Keel.Pipeline.Tests;

public sealed class CandidateTrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-candidate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every reading advances the clock by 20 ms, except the reading numbered <paramref name="slowReading"/>, which advances it by 400 ms.</summary>
    private sealed class ScriptedTime(int slowReading) : TimeProvider
    {
        private long _now;
        private int _readings;

        public override long GetTimestamp()
        {
            _readings++;
            _now += TimestampFrequency * (_readings == slowReading ? 400 : 20) / 1000;
            return _now;
        }
    }

    private PreparedRun Prepare(string models)
    {
        var samples = Path.Combine(Root(), "samples", "penguins.csv");
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"experiment: timing\ndata: {{path: {samples}, label: Species}}\nmodels: [{models}]\nseed: 3\n");
        return RunPreparation.Prepare(spec, null);
    }

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above the test folder.");
    }

    [Fact]
    public void Train_OneSlowScoringRepeat_PredictTimeIsMedianOverTenThousandRows()
    {
        var run = Prepare("zero_rule");
        // Readings 1-2 time the fit; reading 4 ends the first scoring repeat, made slow as a GC pause or late JIT would.
        var trainer = new CandidateTrainer(run, new ScriptedTime(slowReading: 4));

        var outcome = trainer.Train(run.Candidates[0]);

        // 20 ms for 10,000 rows: the median ignores the 400 ms outlier, and a 69-row test split is repeated up to 10,000 rows.
        Assert.Equal(20_000.0 / CandidateTrainer.TimingRows, outcome.PredictUsPerRow, 9);
    }

    [Fact]
    public void Refit_BoostedStoppedEarly_TrainsBestRoundCount()
    {
        var run = Prepare("{type: lightgbm, options: {number_of_iterations: 60, learning_rate: 0.9, early_stopping_rounds: 5}}");
        var trainer = new CandidateTrainer(run, TimeProvider.System);

        var trained = trainer.Train(run.Candidates[0]);
        var refit = trainer.Refit(run.Candidates[0], trained);

        var best = Assert.NotNull(trained.BestIteration);
        Assert.True(best < 60, $"best {best}");
        Assert.Equal(best, refit.LossCurve!.Points.Count);
        Assert.Null(refit.BestIteration);
    }

    [Fact]
    public void Refit_BoostedStoppedEarly_ParamsAndHeadersStateTheRoundsEachModelHolds()
    {
        var run = Prepare("{type: lightgbm, options: {number_of_iterations: 60, learning_rate: 0.9, early_stopping_rounds: 5}}");
        var trainer = new CandidateTrainer(run, TimeProvider.System);

        var trained = trainer.Train(run.Candidates[0]);
        var refit = trainer.Refit(run.Candidates[0], trained);

        var best = Assert.NotNull(trained.BestIteration).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The candidate's params are its own (60 rounds, stopping after 5 without gain); the model it kept holds the best round.
        Assert.Equal(("60", "5"), (trained.Params["number_of_iterations"], trained.Params["early_stopping_rounds"]));
        Assert.Equal((best, "5"), Rounds(RefitRoundsTests.Header(trained.ModelFile)));
        // The refit trains that many rounds without early stopping, and says so.
        Assert.Equal(refit.LossCurve!.Points.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), best);
        Assert.Equal((best, "0"), Rounds(refit.Params));
        Assert.Equal((best, "0"), Rounds(RefitRoundsTests.Header(refit.ModelFile)));
    }

    [Fact]
    public void Refit_EnsembleWithBoostedMemberStoppedEarly_ParamsStateTheMembersRounds()
    {
        var run = Prepare("{type: voting, members: [{type: lightgbm, options: {number_of_iterations: 60, learning_rate: 0.9, early_stopping_rounds: 5}}, linear]}");
        var trainer = new CandidateTrainer(run, TimeProvider.System);

        var refit = trainer.Refit(run.Candidates[0], trainer.Train(run.Candidates[0]));

        var rounds = int.Parse(refit.Params["lightgbm.number_of_iterations"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(rounds, 1, 59);
        Assert.Equal("0", refit.Params["lightgbm.early_stopping_rounds"]);
    }

    private PreparedRun PrepareCv(string model)
    {
        var samples = Path.Combine(Root(), "samples", "credit_data.csv");
        var spec = Path.Combine(_dir, "keel-cv.yaml");
        File.WriteAllText(spec, $"experiment: cvrounds\ndata: {{path: {samples}, label: Status}}\nmodels: [{model}]\nsplit: {{selection: cv, folds: 3}}\nseed: 5\n");
        return RunPreparation.Prepare(spec, null);
    }

    /// <summary>The early-stopping round of the folds' inner curves averaged per round, computed here from the recorded curves:
    /// the lowest mean validation loss, scanning until <paramref name="patience"/> rounds pass without a lower one.</summary>
    private static int MeanCurveRound(IReadOnlyList<Keel.Training.LossCurve?> curves, int patience)
    {
        var rounds = curves.Min(c => c!.Points.Count);
        var mean = Enumerable.Range(0, rounds).Select(i => curves.Sum(c => c!.Points[i].Validation!.Value) / curves.Count).ToArray();
        var best = 0;
        for (var i = 1; i < rounds && i - best < patience; i++)
            if (mean[i] < mean[best]) best = i;
        return best + 1;
    }

    [Fact]
    public void CrossValidate_BoostedWithEarlyStopping_EveryFoldTrainsTheRoundOfTheMeanInnerCurve()
    {
        var run = PrepareCv("{type: lightgbm, options: {number_of_iterations: 300, learning_rate: 0.3, early_stopping_rounds: 8}}");
        var trainer = new CandidateTrainer(run, TimeProvider.System);

        var cv = trainer.CrossValidate(run.Candidates[0]);

        // Each fold trained every round on its inner rows (no early stop of its own), watching its inner validation rows.
        Assert.Equal(3, cv.InnerCurves.Count);
        Assert.All(cv.InnerCurves, c => Assert.Equal(300, c!.Points.Count));
        var expected = MeanCurveRound(cv.InnerCurves, 8);
        Assert.InRange(expected, 1, 299);
        Assert.Equal(expected, cv.BestIteration);
        // The mean curve that chose it, every round (tracked as CANDIDATE.loss.cv_validation).
        Assert.Equal(300, cv.InnerMean!.Points.Count);
        Assert.Equal(cv.InnerCurves.Average(c => c!.Points[expected - 1].Validation!.Value), cv.InnerMean.Points[expected - 1].Validation!.Value, 12);
        // Every scored fold model holds that round count, without early stopping.
        Assert.Equal(3, trainer.FoldFits.Count);
        Assert.All(trainer.FoldFits, f => Assert.Equal(expected, f.LossCurve!.Points.Count));
        Assert.All(trainer.FoldFits, f => Assert.Null(f.BestIteration));
        var rounds = expected.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(trainer.FoldFits, f => Assert.Equal((rounds, "0"), Rounds(RefitRoundsTests.Header(Package(f.Model)))));
    }

    [Fact]
    public void CrossValidate_BoostedWithEarlyStopping_FoldIsScoredByTheChosenRoundsFittedOnAllItsTrainingRows()
    {
        var run = PrepareCv("{type: lightgbm, options: {number_of_iterations: 300, learning_rate: 0.3, early_stopping_rounds: 8}}");
        var trainer = new CandidateTrainer(run, TimeProvider.System);

        var cv = trainer.CrossValidate(run.Candidates[0]);

        // Fold 0 refitted here: the chosen rounds, early stopping off, on every training row of the fold; scored on the fold's rows.
        var rounds = Assert.NotNull(cv.BestIteration);
        Assert.Equal(FoldAuc(run, run.Candidates[0].Trainer.WithoutEarlyStopping(rounds), 0), cv.FoldMetrics[0]["auc"], 12);
    }

    [Fact]
    public void CrossValidate_EarlyStoppingOff_TrainsEveryRoundAsBefore()
    {
        var run = PrepareCv("{type: lightgbm, options: {number_of_iterations: 40, learning_rate: 0.3, early_stopping_rounds: 0}}");
        var trainer = new CandidateTrainer(run, TimeProvider.System);

        var cv = trainer.CrossValidate(run.Candidates[0]);

        Assert.Null(cv.BestIteration);
        Assert.Empty(cv.InnerCurves);
        Assert.Null(cv.InnerMean);
        Assert.All(trainer.FoldFits, f => Assert.Equal(40, f.LossCurve!.Points.Count));
        // Each fold is the candidate itself fitted on the fold's training rows.
        Assert.Equal(FoldAuc(run, run.Candidates[0].Trainer, 2), cv.FoldMetrics[2]["auc"], 12);
    }

    [Fact]
    public void Train_AfterCvOfBoostedWithEarlyStopping_FinalFitTrainsTheFoldsRoundCount()
    {
        var run = PrepareCv("{type: fasttree, options: {number_of_trees: 300, learning_rate: 0.4, early_stopping_rounds: 8}}");
        var trainer = new CandidateTrainer(run, TimeProvider.System);

        var cv = trainer.CrossValidate(run.Candidates[0]);
        var final = trainer.Train(run.Candidates[0], cv);

        var rounds = Assert.NotNull(cv.BestIteration);
        Assert.InRange(rounds, 1, 299);
        Assert.All(trainer.FoldFits, f => Assert.Equal(rounds, f.LossCurve!.Points.Count));
        Assert.Equal(rounds, final.LossCurve!.Points.Count);
        var text = rounds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((text, "0"), (final.Params["number_of_trees"], final.Params["early_stopping_rounds"]));
        Assert.Equal((text, "0"), (RefitRoundsTests.Header(final.ModelFile)["number_of_trees"], RefitRoundsTests.Header(final.ModelFile)["early_stopping_rounds"]));
    }

    [Fact]
    public void CrossValidate_BoostedWithEarlyStoppingTwice_SameRoundsAndScores()
    {
        var run = PrepareCv("{type: lightgbm, options: {number_of_iterations: 200, learning_rate: 0.3, early_stopping_rounds: 8, number_of_threads: 2}}");

        var first = new CandidateTrainer(run, TimeProvider.System).CrossValidate(run.Candidates[0]);
        var second = new CandidateTrainer(run, TimeProvider.System).CrossValidate(run.Candidates[0]);

        Assert.Equal(first.BestIteration, second.BestIteration);
        Assert.Equal(first.Mean, second.Mean);
    }

    /// <summary>The auc on fold <paramref name="i"/>'s rows of <paramref name="trainer"/> fitted on all that fold's training rows, without validation rows.</summary>
    private static double FoldAuc(PreparedRun run, Keel.Training.ITrainer trainer, int i)
    {
        var fold = run.Selection.Folds[i];
        var fit = trainer.Fit(new(run.Features.Take(fold.Train), run.Label.Labels.Take(fold.Train)), null, run.Context());
        return Keel.Evaluation.Evaluator.Evaluate(run.Label.Labels.Take(fold.Validation), fit.Model.Predict(run.Features.Take(fold.Validation))).Metrics["auc"];
    }

    private static byte[] Package(Keel.Training.IFittedModel model)
    {
        using var ms = new MemoryStream();
        Keel.Training.ModelPackage.Save(model, ms, null);
        return ms.ToArray();
    }

    private static (string Rounds, string Patience) Rounds(IReadOnlyDictionary<string, string> effective) =>
        (effective["number_of_iterations"], effective["early_stopping_rounds"]);
}
