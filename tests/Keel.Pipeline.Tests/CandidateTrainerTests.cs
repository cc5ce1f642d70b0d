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

    private static (string Rounds, string Patience) Rounds(IReadOnlyDictionary<string, string> effective) =>
        (effective["number_of_iterations"], effective["early_stopping_rounds"]);
}
