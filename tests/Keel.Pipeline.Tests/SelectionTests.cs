using System.Globalization;
using Keel.Core;
using Keel.Core.Spec;
using Keel.Data;

namespace Keel.Pipeline.Tests;

public sealed class SelectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-selection-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private PreparedRun Prepare(string data, string rest)
    {
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"experiment: selection\ndata: {{path: {data}, label: y}}\nseed: 3\n{rest}");
        return RunPreparation.Prepare(spec, null);
    }

    /// <summary>A binary set of <paramref name="rows"/> rows: y is exactly x &gt; 0.5, so any sensible model ranks every fold perfectly.</summary>
    private string Separable(int rows)
    {
        var path = Path.Combine(_dir, $"separable-{rows}.csv");
        var rng = new Random(11);
        File.WriteAllLines(path, new[] { "x,noise,day,team,y" }.Concat(Enumerable.Range(0, rows).Select(i =>
        {
            var x = rng.NextDouble();
            return string.Create(CultureInfo.InvariantCulture, $"{x:R},{rng.NextDouble():R},{i / 10},t{i % 23},{(x > 0.5 ? "yes" : "no")}");
        })));
        return path;
    }

    [Fact]
    public void Prepare_DefaultCandidatesOnSmallData_CrossValidatesOnStratifiedFoldsWithTheSameTestRows()
    {
        var data = Separable(600);

        var cv = Prepare(data, "");
        var validation = Prepare(data, "split: {selection: validation}\n");

        Assert.Equal(SelectionMode.Cv, cv.Selection.Mode);
        Assert.Equal(FoldKind.Stratified, cv.Selection.Kind);
        Assert.Equal(5, cv.Selection.Folds.Count);
        Assert.StartsWith("default:", cv.Selection.Reason);
        Assert.Equal(SelectionMode.Validation, validation.Selection.Mode);
        Assert.Equal(validation.Split.Test, cv.Split.Test);
        Assert.Empty(cv.Split.Validation);
        Assert.Equal(validation.Split.Train.Concat(validation.Split.Validation).Order(), cv.Split.Train);
        Assert.All(cv.Selection.Folds, f => Assert.Empty(f.Train.Concat(f.Validation).Intersect(cv.Split.Test)));
    }

    [Fact]
    public void WithTrainingRows_DefaultForest_RecordsTheTreeCountOfTheRunsTrainingRows()
    {
        var run = RunPipeline.WithTrainingRows(Prepare(Noisy(2_600), ""));
        long rows = run.Split.Train.Length + run.Split.Validation.Length;

        // Between 2,000 and 10,000 training rows the count is 1,000,000 / rows, neither bound (500, 100).
        Assert.InRange(rows, 2_001, 9_999);
        Assert.Equal(Keel.Training.Forest.RandomForestOptions.DefaultTreeCount(rows).ToString(CultureInfo.InvariantCulture),
            run.Candidates.Single(c => c.Name == "random_forest").Trainer.EffectiveParams["number_of_trees"]);
        Assert.NotEqual("100", run.Candidates.Single(c => c.Name == "random_forest").Trainer.EffectiveParams["number_of_trees"]);
    }

    [Fact]
    public void Prepare_TrainingRowsTimesCandidatesOverBudget_SelectsOnValidation()
    {
        // 2 candidates: the budget allows 100,000 training rows; 126,000 rows leave about 100,800 after the test split.
        var run = Prepare(Separable(126_000), "models: [zero_rule, linear]\n");

        Assert.Equal(SelectionMode.Validation, run.Selection.Mode);
        Assert.Contains("> 200000", run.Selection.Reason);
        Assert.NotEmpty(run.Split.Validation);
    }

    [Theory]
    [InlineData("split: {strategy: time, selection: cv, folds: 4}", FoldKind.Forward)]
    [InlineData("split: {strategy: group, selection: cv, folds: 4}", FoldKind.Grouped)]
    public void Prepare_TimeOrGroupSplit_FoldsFollowTheSplit(string split, FoldKind expected)
    {
        var path = Separable(600);
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"experiment: selection\ndata: {{path: {path}, label: y, time_column: day, group_column: team}}\nseed: 3\n{split}\n");

        var run = RunPreparation.Prepare(spec, null);

        Assert.Equal(expected, run.Selection.Kind);
        Assert.Equal(4, run.Selection.Folds.Count);
    }

    [Theory]
    [InlineData("strategy: time, selection: cv", true)]
    [InlineData("strategy: time", false)]
    public void Prepare_ForwardFoldLacksAClassForAuc_CvErrorsDefaultFallsBackToValidation(string split, bool fails)
    {
        // Rows 0-39 are class a, 40-59 class b: the early forward-chaining folds validate on class a only.
        var path = Path.Combine(_dir, "drift.csv");
        File.WriteAllLines(path, new[] { "t,x,y" }.Concat(Enumerable.Range(0, 60).Select(i => $"{i},{i % 7},{(i < 40 ? "a" : "b")}")));
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"data: {{path: {path}, label: y, time_column: t}}\nmodels: [zero_rule, linear]\nsplit: {{validation_fraction: 0.5, {split}}}\n");

        if (fails)
        {
            var e = Assert.Throws<KeelInputException>(() => RunPreparation.Prepare(spec, null));
            Assert.Contains("field 'split.selection'", e.Message);
            Assert.Contains("cv fold 0", e.Message);
        }
        else
        {
            var run = RunPreparation.Prepare(spec, null);
            Assert.Equal(SelectionMode.Validation, run.Selection.Mode);
            Assert.Contains("cv fold 0", run.Selection.Reason);
        }
    }

    [Fact]
    public void Prepare_CvWithCalibration_ErrorNamesSelectionAndTheField()
    {
        var e = Assert.Throws<KeelInputException>(() => Prepare(Separable(300), "split: {selection: cv}\nevaluation: {calibrate: sigmoid}\n"));

        Assert.Contains("keel.yaml field 'split.selection'", e.Message);
        Assert.Contains("evaluation.calibrate", e.Message);
    }

    [Fact]
    public void Select_TwoCandidatesEqualByConstruction_DeclaresTieAndChoosesTheSimpler()
    {
        var (outcomes, selection) = SelectAmongEqualCandidates("selection: cv");

        Assert.All(outcomes, o => Assert.Equal(1.0, o.ValidationMetrics["auc"], 12));
        Assert.Equal("lightgbm", selection.Best);
        Assert.Equal(["lightgbm", "linear"], selection.WithinNoise);
        Assert.Equal("linear", selection.Selected);
        Assert.Contains("simpler family", selection.TieRule);
    }

    [Fact]
    public void Select_TiesBest_KeepsTheBestByFoldMeanAndStillDeclaresTheTie()
    {
        // The same tie as above: with split.ties: best the boosted model listed first (best by fold mean, spec order) is kept.
        var (_, selection) = SelectAmongEqualCandidates("selection: cv, ties: best");

        Assert.Equal("lightgbm", selection.Best);
        Assert.Equal(["lightgbm", "linear"], selection.WithinNoise);
        Assert.Equal("lightgbm", selection.Selected);
        Assert.Contains("split.ties: best", selection.TieRule);
        Assert.Contains("would have chosen linear", selection.TieRule);
    }

    [Fact]
    public void Select_TiesBestWithValidationSelection_SaysItHasNoEffect()
    {
        var (_, selection) = SelectAmongEqualCandidates("selection: validation, ties: best");
        var (_, plain) = SelectAmongEqualCandidates("selection: validation");

        Assert.Equal(0, selection.Folds);
        Assert.Empty(selection.WithinNoise);
        Assert.Contains("split.ties: best has no effect", selection.TieRule);
        Assert.Null(plain.TieRule);
    }

    // lightgbm and linear both rank every fold perfectly (AUC 1 on each fold), so the boosted model listed first has no real lead.
    private (List<CandidateOutcome> Outcomes, SelectionOut Selection) SelectAmongEqualCandidates(string split)
    {
        var run = Prepare(Separable(400), $"models: [lightgbm, linear]\nsplit: {{{split}}}\n");
        run = run with { Features = run.Features.Drop(["noise", "day", "team"]) };
        var trainer = new CandidateTrainer(run, TimeProvider.System);
        var cv = run.Selection.Mode == Keel.Core.Spec.SelectionMode.Cv;
        var outcomes = run.Candidates.Select(c => cv ? trainer.Train(c, trainer.CrossValidate(c)) : trainer.Train(c)).ToList();
        return (outcomes, RunPipeline.Select(run, outcomes));
    }

    [Fact]
    public async Task ExecuteAsync_CvRun_RecordsFoldSpreadSystemMetricsAndShipsTheFitOnAllTrainingRows()
    {
        var run = Prepare(Separable(300), "models: [zero_rule, linear]\n");
        await using var store = await Keel.Tracking.KeelStore.OpenAsync(new Keel.Tracking.StoreOptions { Uri = Path.Combine(_dir, "store") });

        var outcome = await new RunPipeline(store, TimeProvider.System, new Progress<PipelineProgress>(), "test")
            .ExecuteAsync(run, id => Path.Combine(_dir, id + ".html"), CancellationToken.None);

        Assert.Equal("cv", outcome.Selection.Mode);
        Assert.Equal("stratified", outcome.Selection.FoldKind);
        Assert.False(outcome.Final.Refit);
        Assert.Equal(run.Split.Train.Length, outcome.Final.TrainRows);
        var stored = (await store.Tracking.GetRunAsync(outcome.RunId))!;
        Assert.Equal("cv", stored.Params["split.selection"]);
        Assert.Equal("simplest", stored.Params["split.ties"]);
        Assert.True(stored.Metrics.ContainsKey("linear.cv_std.auc"));
        Assert.Equal(5, (await store.Tracking.GetMetricHistoryAsync(outcome.RunId, "linear.cv.auc")).Count);
        foreach (var step in new[] { "train_zero_rule", "train_linear", "refit", "evaluate", "report", "total" })
        {
            Assert.True(stored.Metrics[$"system.{step}.wall_seconds"] >= 0, step);
            Assert.True(stored.Metrics[$"system.{step}.cpu_seconds"] >= 0, step);
            Assert.True(stored.Metrics[$"system.{step}.peak_working_set_bytes"] > 0, step);
        }
        Assert.Contains("cv mean", await File.ReadAllTextAsync(outcome.ReportPath));
    }

    [Fact]
    public void CrossValidate_Candidate_OutOfFoldPredictionsCoverEveryTrainingRowOnce()
    {
        var run = Prepare(Separable(300), "models: [zero_rule, linear]\n");
        var trainer = new CandidateTrainer(run, TimeProvider.System);

        var cv = trainer.CrossValidate(run.Candidates[1]);

        Assert.Equal(run.Split.Train, cv.OutOfFold.Rows);
        Assert.Equal(run.Split.Train.Length, cv.OutOfFold.Predictions.Count);
        Assert.Equal(5, cv.FoldMetrics.Count);
        Assert.True(cv.Std["auc"] >= 0);
        Assert.Equal(cv.FoldMetrics.Average(m => m["auc"]), cv.Mean["auc"], 12);
    }

    /// <summary>The real trainer of a candidate, recording the x values of the rows each fit trains and validates on.</summary>
    private sealed class Recording(Keel.Training.ITrainer inner) : Keel.Training.ITrainer
    {
        public List<(double[] Train, double[] Validation)> Fits { get; } = [];
        public string Type => inner.Type;
        public bool IsBaseline => inner.IsBaseline;
        public bool UsesValidation => inner.UsesValidation;
        public IReadOnlyDictionary<string, string> EffectiveParams => inner.EffectiveParams;

        public Keel.Training.FitResult Fit(Keel.Training.TrainingData train, Keel.Training.TrainingData? validation, Keel.Training.TrainContext context)
        {
            Fits.Add((X(train.Features), validation is null ? [] : X(validation.Features)));
            return inner.Fit(train, validation, context);
        }

        private static double[] X(Keel.Core.Data.Table t) =>
            Enumerable.Range(0, t.RowCount).Select(r => ((Keel.Core.Data.NumericColumn)t["x"])[r]).ToArray();
    }

    [Theory]
    [InlineData("fasttree")]
    [InlineData("lightgbm")]
    [InlineData("fastforest")]
    public void CrossValidate_CandidateUsingValidationRows_StopsOrCalibratesOnInnerRowsNeverOnTheScoredFold(string model)
    {
        // Before: each fold's scored rows were also the rows early stopping chose its round on (and the forest calibrated on), so
        // the boosted candidates' cv means were flattered (stackoverflow in bench/tabular8: cv 0.71 against 0.66-0.68 on test).
        var run = Prepare(Separable(300), $"models: [{model}]\nsplit: {{selection: cv}}\n");
        var recording = new Recording(run.Candidates[0].Trainer);
        var trainer = new CandidateTrainer(run, TimeProvider.System);

        trainer.CrossValidate(run.Candidates[0] with { Trainer = recording });

        var x = (Keel.Core.Data.NumericColumn)run.Features["x"];
        Assert.Equal(5, recording.Fits.Count);
        foreach (var (fold, fit) in run.Selection.Folds.Zip(recording.Fits))
        {
            var scored = fold.Validation.Select(r => x[r]).ToHashSet();
            Assert.NotEmpty(fit.Validation);
            Assert.DoesNotContain(fit.Validation, scored.Contains);
            Assert.DoesNotContain(fit.Train, scored.Contains);
            Assert.Empty(fit.Validation.Intersect(fit.Train));
            Assert.Equal(fold.Train.Length, fit.Train.Length + fit.Validation.Length);
        }
    }

    [Fact]
    public void CrossValidate_CandidateIgnoringValidationRows_TrainsOnTheWholeFold()
    {
        var run = Prepare(Separable(300), "models: [zero_rule, linear]\n");
        var recording = new Recording(run.Candidates[1].Trainer);

        new CandidateTrainer(run, TimeProvider.System).CrossValidate(run.Candidates[1] with { Trainer = recording });

        Assert.Equal(run.Selection.Folds.Select(f => f.Train.Length), recording.Fits.Select(f => f.Train.Length));
        Assert.All(recording.Fits, f => Assert.Empty(f.Validation));
    }

    /// <summary>A noisy binary set: y is x plus Gaussian noise above 0.5, so no candidate ranks the folds perfectly.</summary>
    private string Noisy(int rows)
    {
        var path = Path.Combine(_dir, $"noisy-{rows}.csv");
        var rng = new Random(5);
        File.WriteAllLines(path, new[] { "x,z,y" }.Concat(Enumerable.Range(0, rows).Select(_ =>
        {
            double x = rng.NextDouble(), z = rng.NextDouble();
            var noise = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            return string.Create(CultureInfo.InvariantCulture, $"{x:R},{z:R},{(x + (z > 0.7 ? 0.3 : 0) + 0.25 * noise > 0.6 ? "yes" : "no")}");
        })));
        return path;
    }

    /// <summary>The default candidates cut to linear and random_forest (faster), cross-validated and fitted on every training row.</summary>
    private static (CandidateTrainer Trainer, List<CandidateOutcome> Outcomes) CrossValidated(PreparedRun run)
    {
        var trainer = new CandidateTrainer(run, TimeProvider.System);
        return (trainer, run.Candidates.Select(c => trainer.Train(c, trainer.CrossValidate(c))).ToList());
    }

    private PreparedRun DefaultTwo(string data)
    {
        var run = Prepare(data, "");
        return run with { Candidates = run.Candidates.Where(c => c.Name is "linear" or "random_forest").ToArray() };
    }

    [Fact]
    public void OutOfFoldEnsemble_DefaultCandidates_PackageReloadsAndPredictsIdentically()
    {
        var run = DefaultTwo(Noisy(500));
        var (trainer, outcomes) = CrossValidated(run);

        var plan = OutOfFoldEnsemble.Choose(run, outcomes)!;
        var ensemble = trainer.Assemble(plan.Members.Select(i => outcomes[i]).ToArray(), plan.Weights.Select(w => (double)w).ToArray(),
            plan.CrossValidation, OutOfFoldEnsemble.Params(plan, outcomes));
        using var stream = new MemoryStream(ensemble.ModelFile);
        var reloaded = Keel.Training.ModelPackage.Load(stream);

        Assert.Equal("voting", ensemble.Type);
        Assert.Equal(2, plan.Members.Length);
        Assert.Equal("voting", reloaded.Type);
        var test = run.Features.Take(run.Split.Test);
        var before = ensemble.Model.Predict(test).Probabilities!;
        var after = reloaded.Predict(test).Probabilities!;
        Assert.Equal(before.Length, after.Length);
        for (var i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i]);
        Assert.Equal(ensemble.TestPredictions.Probabilities!, before);
    }

    [Fact]
    public void OutOfFoldEnsemble_TestLabelsChanged_SameWeightsAndCvNeverUsingTestRows()
    {
        var run = DefaultTwo(Noisy(500));
        var labels = run.Label.Labels;
        var flipped = labels.ClassIndices!.ToArray();
        foreach (var r in run.Split.Test) flipped[r] = 1 - flipped[r];
        var altered = run with { Label = run.Label with { Labels = labels with { ClassIndices = flipped } } };

        var plan = OutOfFoldEnsemble.Choose(run, CrossValidated(run).Outcomes)!;
        var other = OutOfFoldEnsemble.Choose(altered, CrossValidated(altered).Outcomes)!;

        Assert.Equal(run.Split.Train, plan.CrossValidation.OutOfFold.Rows);
        Assert.Empty(plan.CrossValidation.OutOfFold.Rows.Intersect(run.Split.Test));
        Assert.Equal(5, plan.CrossValidation.FoldMetrics.Count);
        Assert.Equal(plan.Weights, other.Weights);
        Assert.Equal(plan.CrossValidation.Mean["auc"], other.CrossValidation.Mean["auc"], 12);
    }

    [Fact]
    public void OutOfFoldEnsemble_ModelsListedInTheSpec_NotOffered()
    {
        var run = Prepare(Noisy(300), "models: [linear, fastforest]\n");

        Assert.Null(OutOfFoldEnsemble.Choose(run, CrossValidated(run).Outcomes));
    }
}
