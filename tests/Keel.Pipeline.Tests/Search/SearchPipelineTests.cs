using Keel.Core.Search;
using Keel.Core.Tracking;
using Keel.Pipeline.Search;
using Keel.Tracking;

namespace Keel.Pipeline.Tests.Search;

/// <summary>The search use case end to end on credit_data with a real SQLite store.</summary>
public sealed class SearchPipelineTests : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-search-").FullName;

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    private PreparedRun Prepare(string search, string models = "", string? data = null, string weight = "")
    {
        data ??= Path.Combine(Root(), "samples", "credit_data.csv");
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"experiment: credit\ndata: {{path: {data}, label: Status{weight}}}\n{models}search:\n{search}");
        return RunPreparation.Prepare(spec, null);
    }

    /// <summary><paramref name="trial"/> as a keel run candidate of the same options (the spec's first model of its family).</summary>
    private static Candidate AsCandidate(PreparedRun run, TrialSummary trial)
    {
        var model = new Keel.Core.Spec.ModelSpec { Type = trial.Family, Options = new Dictionary<string, string>(trial.Options) };
        return new Candidate(model, Keel.Training.TrainerCatalog.Create(model, run.Task, 0));
    }

    private Task<KeelStore> OpenAsync() => KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(_dir, ".keel") });

    private static SearchPipeline Pipeline(KeelStore store) => new(store, TimeProvider.System, new Progress<SearchProgress>(), "tester");

    private string Report(string id) => Path.Combine(_dir, "reports", id + ".html");

    internal static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above the test folder.");
    }

    [Fact]
    public async Task Search_FourWorkersOneStore_ExactlyThePlannedTrialsEachOnceAndWinnerRegistered()
    {
        var run = Prepare("  trials: 8\n  families: [linear, lightgbm]\n  pruner: none\n",
            "models:\n  - {type: lightgbm, options: {number_of_iterations: 30}}\n  - linear\n");
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest { Workers = 4 }, Report, CancellationToken.None);

        var trials = await store.Studies.ListTrialsAsync("credit-search");
        Assert.Equal(Enumerable.Range(0, 8), trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Equal((TrialState.Complete, 1), (t.State, t.Attempt)));
        Assert.Equal([4, 4], outcome.Budgets.Select(b => b.Trials));
        var children = (await store.Tracking.SearchRunsAsync(new RunQuery { Filter = "tags.keel.study = 'credit-search' and status = 'finished'", MaxResults = 100 })).Runs
            .Where(r => r.Tags.ContainsKey("keel.trial")).ToArray();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), children.Select(r => r.Tags["keel.trial"]).Order());
        Assert.All(children, r => Assert.Equal(outcome.SearchRunId, r.Tags["keel.parent_run_id"]));
        var registered = Assert.IsType<RunOutcome>(outcome.Final).Registered;
        Assert.NotNull(registered);
        var final = await store.Tracking.GetRunAsync(outcome.Final!.RunId);
        Assert.Equal(outcome.SearchRunId, final!.Tags[SearchPipeline.SearchRunTag]);
        Assert.True(File.Exists(outcome.ReportPath));
        var html = await File.ReadAllTextAsync(outcome.ReportPath);
        Assert.Contains("Parallel coordinates", html);
        // tpe's default for workers sampling at once: the constant liar, kept in the study's definition and named in the report.
        Assert.Contains("sampler tpe (constant liar)", html, StringComparison.Ordinal);
        Assert.Contains("\"ConstantLiar\":true", (await store.Studies.GetStudyAsync("credit-search"))!.DefinitionJson, StringComparison.Ordinal);
        // A slice per parameter: every complete trial of the family, a log range on a log10 axis, a categorical by its choice number.
        Assert.Equal(4, ChartDots(html, "lightgbm: auc by learning_rate")["complete trials"]);
        Assert.Contains(">log10(learning_rate)</text>", Svg(html, "lightgbm: auc by learning_rate"), StringComparison.Ordinal);
        Assert.Contains(">categorical_split (0 = true, 1 = false)</text>", Svg(html, "lightgbm: auc by categorical_split"), StringComparison.Ordinal);
        Assert.Equal(4, ChartDots(html, "linear: auc by l2_regularization")["complete trials"]);
        // The final run's own report links back to the search's report, beside it.
        Assert.Equal(Path.GetDirectoryName(outcome.ReportPath), Path.GetDirectoryName(outcome.Final.ReportPath));
        Assert.Contains($"final run of study credit-search: <a href=\"{Path.GetFileName(outcome.ReportPath)}\">search report</a>",
            await File.ReadAllTextAsync(outcome.Final.ReportPath), StringComparison.Ordinal);
    }

    [Fact]
    public void FinalRun_EnsembleWithSearchedMembers_MembersTakeBestOptionsAndFixedOptionsKept()
    {
        var run = Prepare("  families: [linear, lightgbm]\n", "models:\n  - {type: lightgbm, options: {number_of_iterations: 30}}\n  - linear\n"
            + "  - {type: voting, members: [{type: lightgbm, options: {number_of_leaves: 6}}, linear, fastforest]}\n");
        TrialSummary[] winners =
        [
            new(3, "lightgbm", "complete", 0.8, 1, 30, 1, new Dictionary<string, string> { ["learning_rate"] = "0.05", ["minimum_example_count_per_leaf"] = "7" }, null),
            new(2, "linear", "complete", 0.7, 1, 0, 1, new Dictionary<string, string> { ["l2_regularization"] = "0.5" }, null),
        ];

        var final = SearchPipeline.FinalRun(run, ["linear", "lightgbm"], winners, "search-1");

        var voting = final.Spec.Models.Single(m => m.Type == "voting");
        Assert.Equal(new Dictionary<string, string> { ["learning_rate"] = "0.05", ["minimum_example_count_per_leaf"] = "7", ["number_of_leaves"] = "6" },
            voting.Members[0].Options);
        Assert.Equal(new Dictionary<string, string> { ["l2_regularization"] = "0.5" }, voting.Members[1].Options);
        Assert.Empty(voting.Members[2].Options);
        // The tuned lightgbm trains as its trial did: the spec's fixed option under the sampled ones.
        Assert.Equal(new Dictionary<string, string> { ["learning_rate"] = "0.05", ["minimum_example_count_per_leaf"] = "7", ["number_of_iterations"] = "30" },
            final.Spec.Models.Single(m => m.Type == "lightgbm").Options);
        Assert.Equal(["voting", "lightgbm", "linear"], final.Candidates.Select(c => c.Spec.DisplayName));
    }

    [Theory]
    [InlineData("  families: [fasttree]\n", "models:\n  - {type: linear, options: {l2_regularization: 0.5}}\n  - fasttree\n")]
    [InlineData("  trials: 2\n", "models:\n  - {type: linear, options: {l2_regularization: 0.5}}\n  - fasttree\n")]
    public void FinalRun_SpecModelOfATypeNotSearched_CompetesAsGivenBesideTheBaselines(string search, string models)
    {
        // linear is left out of the search: by search.families, or because its options fix its whole default space.
        var run = Prepare(search, models);
        var plan = SearchPlan.From(run, new SearchRequest());
        TrialSummary[] winners = [new(0, "fasttree", "complete", 0.8, 1, 0, 1, new Dictionary<string, string> { ["learning_rate"] = "0.1" }, null)];

        var final = SearchPipeline.FinalRun(run, plan.Families, winners, "search-1");

        Assert.Equal(["fasttree"], plan.Families);
        Assert.Equal(["random", "zero_rule", "linear", "fasttree"], final.Candidates.Select(c => c.Spec.DisplayName));
        Assert.Equal(new Dictionary<string, string> { ["l2_regularization"] = "0.5" }, final.Spec.Models.Single(m => m.Type == "linear").Options);
    }

    [Fact]
    public void FinalRun_BoostedWinnerWithKeptRounds_TrainsThoseRoundsWithoutEarlyStopping()
    {
        var run = Prepare("  families: [linear, lightgbm, fasttree]\n");
        TrialSummary[] winners =
        [
            new(4, "lightgbm", "complete", 0.8, 1, 200, 1, new Dictionary<string, string> { ["learning_rate"] = "0.05" }, "t4"),
            new(5, "fasttree", "complete", 0.8, 1, 100, 1, new Dictionary<string, string> { ["learning_rate"] = "0.1" }, "t5"),
            new(3, "linear", "complete", 0.7, 1, 0, 1, new Dictionary<string, string> { ["l2_regularization"] = "0.5" }, "t3"),
        ];

        var final = SearchPipeline.FinalRun(run, ["linear", "lightgbm", "fasttree"], winners, "search-1", new Dictionary<int, int> { [4] = 37, [5] = 61 });

        Assert.Equal(new Dictionary<string, string> { ["early_stopping_rounds"] = "0", ["learning_rate"] = "0.05", ["number_of_iterations"] = "37" },
            final.Spec.Models.Single(m => m.Type == "lightgbm").Options);
        Assert.Equal(new Dictionary<string, string> { ["early_stopping_rounds"] = "0", ["learning_rate"] = "0.1", ["number_of_trees"] = "61" },
            final.Spec.Models.Single(m => m.Type == "fasttree").Options);
        Assert.False(final.Candidates.Single(c => c.Spec.Type == "lightgbm").Trainer.UsesValidation);
    }

    [Fact]
    public void FinalRun_DefaultSelection_ChoosesOnTheFoldsTheTrialsWereScoredOn()
    {
        var run = Prepare("  families: [linear]\n");
        TrialSummary[] winners = [new(0, "linear", "complete", 0.7, 1, 0, 1, new Dictionary<string, string> { ["l2_regularization"] = "0.5" }, null)];
        Assert.Equal(Keel.Core.Spec.SelectionMode.Cv, run.Selection.Mode);

        var final = SearchPipeline.FinalRun(run, ["linear"], winners, "search-1");

        Assert.Equal(Keel.Core.Spec.SelectionMode.Cv, final.Selection.Mode);
        Assert.Empty(final.Split.Validation);
        Assert.Equal(run.Split.Train, final.Split.Train);
        Assert.Equal(run.Split.Test, final.Split.Test);
        Assert.Equal(run.Selection.Folds.Select(f => f.Validation), final.Selection.Folds.Select(f => f.Validation));
    }

    [Fact]
    public void FrontCandidates_PerFamilyTheFrontTrialsBesideItsBestBestFirstAtMostThree()
    {
        TrialSummary T(int n, string family, double auc) => new(n, family, "complete", auc, 1, 0, 1, new Dictionary<string, string>(), $"r{n}");
        TrialSummary[] summaries = [T(0, "lightgbm", 0.86), T(1, "linear", 0.83), T(2, "lightgbm", 0.85), T(3, "lightgbm", 0.80), T(4, "lightgbm", 0.84),
            T(5, "lightgbm", 0.82), T(6, "linear", 0.81), T(7, "lightgbm", 0.70), T(8, "linear", 0.82)];
        double[] sizes = [40_000, 4_000, 20_000, 9_000, 15_000, 12_000, 3_000, 8_000, 3_900];
        var points = summaries.Select(s => new ParetoPoint(s.Number, s.Family, new Dictionary<string, double> { ["auc"] = s.Value!.Value, ["size"] = sizes[s.Number] })).ToArray();
        // The front as ParetoPoints computed it (trial 7 is not on it); lightgbm's best (0) and linear's (1) compete already; linear's
        // trial 8 is only 2.5 % smaller than its best, a difference the final run has no use for.
        var front = SearchPipeline.FrontCandidates(points.Where(p => p.Trial != 7).ToArray(), points, [summaries[0], summaries[1]], summaries, higherIsBetter: true);

        Assert.Equal([2, 4, 5, 6], front.Select(t => t.Number));
        // Without latency or size among the objectives, a front trial could not win the final run: none competes.
        var quality = points.Select(p => p with { Objectives = new Dictionary<string, double> { ["auc"] = p.Objectives["auc"], ["log_loss"] = 1 - p.Objectives["auc"] } }).ToArray();
        Assert.Empty(SearchPipeline.FrontCandidates(quality, quality, [summaries[0], summaries[1]], summaries, higherIsBetter: true));
    }

    [Fact]
    public void FinalRun_FrontTrials_CompeteUnderCvWithTheirOwnRoundsNotOnTheValidationSplit()
    {
        TrialSummary[] winners = [new(0, "lightgbm", "complete", 0.86, 1, 0, 1, new Dictionary<string, string> { ["number_of_leaves"] = "63" }, "r0")];
        TrialSummary[] front = [new(5, "lightgbm", "complete", 0.85, 1, 0, 1, new Dictionary<string, string> { ["number_of_leaves"] = "7" }, "r5")];
        var rounds = new Dictionary<int, int> { [0] = 120, [5] = 40 };

        var cv = SearchPipeline.FinalRun(Prepare("  families: [lightgbm]\n"), ["lightgbm"], winners, "search-1", rounds, front);
        var validation = SearchPipeline.FinalRun(Prepare("  families: [lightgbm]\n", "split: {selection: validation}\n"), ["lightgbm"], winners, "search-1", rounds, front);

        Assert.Equal(["random", "zero_rule", "lightgbm", "lightgbm-t5"], cv.Candidates.Select(c => c.Spec.DisplayName));
        Assert.Equal(new Dictionary<string, string> { ["early_stopping_rounds"] = "0", ["number_of_iterations"] = "40", ["number_of_leaves"] = "7" },
            cv.Spec.Models.Single(m => m.Name == "lightgbm-t5").Options);
        Assert.Equal(["random", "zero_rule", "lightgbm"], validation.Candidates.Select(c => c.Spec.DisplayName));
    }

    [Fact]
    public void FinalRun_SpecAsksForValidationSelection_KeepsTheValidationSplit()
    {
        var run = Prepare("  families: [linear]\n", "split: {selection: validation}\n");
        TrialSummary[] winners = [new(0, "linear", "complete", 0.7, 1, 0, 1, new Dictionary<string, string> { ["l2_regularization"] = "0.5" }, null)];

        var final = SearchPipeline.FinalRun(run, ["linear"], winners, "search-1");

        Assert.Equal(Keel.Core.Spec.SelectionMode.Validation, final.Selection.Mode);
        Assert.Equal(run.Split.Validation, final.Split.Validation);
    }

    [Fact]
    public async Task Search_BoostedFamily_FinalRunTrainsTheBestTrialsRoundsAndChoosesByCv()
    {
        var run = Prepare("  trials: 2\n  families: [lightgbm]\n  pruner: none\n", "models:\n  - {type: lightgbm, options: {number_of_iterations: 400}}\n");
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        var best = outcome.Trials[outcome.Budgets.Single().BestTrial!.Value];
        var trialRounds = (await store.Tracking.GetRunAsync(best.RunId!))!.Metrics["rounds"];
        var final = (await store.Tracking.GetRunAsync(outcome.Final!.RunId))!;
        Assert.Equal(trialRounds.ToString(System.Globalization.CultureInfo.InvariantCulture), final.Params["lightgbm.number_of_iterations"]);
        Assert.Equal("0", final.Params["lightgbm.early_stopping_rounds"]);
        Assert.Equal("cv", outcome.Final.Selection.Mode);
    }

    [Fact]
    public async Task Search_SelectionCv_EachTrialScoredByTheFoldMean()
    {
        var run = Prepare("  trials: 2\n  families: [linear, lightgbm]\n  pruner: none\n",
            "split: {selection: cv, folds: 3}\nmodels:\n  - {type: lightgbm, options: {number_of_iterations: 30}}\n  - linear\n");
        Assert.Equal(Keel.Core.Spec.SelectionMode.Cv, run.Selection.Mode);
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        // The linear trial's value is the mean of its three folds' validation auc, each fitted on the other two folds.
        var linear = outcome.Trials.Single(t => t.Family == "linear");
        var options = new Dictionary<string, string>(linear.Options);
        var trainer = Keel.Training.TrainerCatalog.Create(new Keel.Core.Spec.ModelSpec { Type = "linear", Options = options }, run.Task, 1);
        var folds = run.Selection.Folds.Select(f =>
        {
            var fit = trainer.Fit(new(run.Features.Take(f.Train), run.Label.Labels.Take(f.Train)), null, run.Context());
            var validation = run.Label.Labels.Take(f.Validation);
            return Keel.Evaluation.Evaluator.Evaluate(validation, fit.Model.Predict(run.Features.Take(f.Validation))).Metrics["auc"];
        }).ToArray();
        Assert.Equal(3, folds.Length);
        Assert.Equal(folds.Average(), linear.Value!.Value, 12);
        Assert.Equal("cv", outcome.Final!.Selection.Mode);
        // The spec lists its own models, so the final run offers no out-of-fold ensemble (as keel run).
        Assert.DoesNotContain(outcome.Final.Candidates, c => c.Name == "ensemble");
    }

    [Fact]
    public async Task Search_CvScoredBoostedTrial_StopsEarlyOnTheInnerSplitAsKeelRunsCv()
    {
        var run = Prepare("  trials: 1\n  families: [lightgbm]\n  pruner: none\n" +
            "  spaces:\n    lightgbm: {learning_rate: 0.3, number_of_leaves: 8, minimum_example_count_per_leaf: 10, l2_regularization: 0}\n",
            "split: {selection: cv, folds: 3}\nmodels:\n  - {type: lightgbm, options: {number_of_iterations: 300}}\n");
        await using var store = await OpenAsync();

        var trial = (await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None)).Trials.Single();

        // keel run's cv of the same options on the same folds: each fold stops early on an inner fifth of its training rows and is
        // scored on the fold's own rows, which the booster never saw.
        var cv = new CandidateTrainer(run, TimeProvider.System).CrossValidate(AsCandidate(run, trial));
        Assert.True(cv.BestIteration < 300, $"best round {cv.BestIteration}: the folds did not stop early");
        Assert.Equal(cv.Mean["auc"], trial.Value!.Value, 12);
        var rounds = (await store.Tracking.GetRunAsync(trial.RunId!))!.Metrics["rounds"];
        Assert.Equal(cv.BestIteration!.Value, rounds, 12);
    }

    [Theory]
    [InlineData("{class_weight: balanced}")]
    [InlineData("{method: oversample}")]
    public async Task Search_CvScoredTrialWithImbalance_ValueIsKeelRunsCvMean(string imbalance)
    {
        var run = Prepare("  trials: 1\n  families: [lightgbm]\n  pruner: none\n" +
            "  spaces:\n    lightgbm: {learning_rate: 0.3, number_of_leaves: 8, minimum_example_count_per_leaf: 10, l2_regularization: 0}\n",
            "split: {selection: cv, folds: 3}\nimbalance: " + imbalance + "\nmodels:\n  - {type: lightgbm, options: {number_of_iterations: 100}}\n");
        await using var store = await OpenAsync();

        var trial = (await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None)).Trials.Single();

        // keel run's cv of the same options on the same folds: every fold's training rows (and its inner early-stopping split's) are
        // class-weighted or rebalanced as the spec says; the rows that score the fold are not.
        var cv = new CandidateTrainer(run, TimeProvider.System).CrossValidate(AsCandidate(run, trial));
        Assert.Equal(cv.Mean["auc"], trial.Value!.Value, 12);
    }

    [Fact]
    public async Task Search_ValidationScoredTrialWithWeightColumn_ValueIsKeelRunsWeightedValidationScore()
    {
        // credit_data with a weight column generated here: bad loans weigh 3, every seventh row 0.5, the rest 1.
        var lines = File.ReadAllLines(Path.Combine(Root(), "samples", "credit_data.csv"));
        var csv = Path.Combine(_dir, "weighted.csv");
        File.WriteAllLines(csv, lines.Select((l, i) => l + "," + (i == 0 ? "\"w\"" : l.StartsWith("\"bad\"", StringComparison.Ordinal) ? "3" : i % 7 == 0 ? "0.5" : "1")));
        var run = Prepare("  trials: 1\n  families: [lightgbm]\n  pruner: none\n" +
            "  spaces:\n    lightgbm: {learning_rate: 0.3, number_of_leaves: 8, minimum_example_count_per_leaf: 10, l2_regularization: 0}\n",
            "models:\n  - {type: lightgbm, options: {number_of_iterations: 100}}\n", csv, ", weight: w");
        Assert.Equal(Keel.Core.Spec.SelectionMode.Validation, run.Selection.Mode);
        await using var store = await OpenAsync();

        var trial = (await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None)).Trials.Single();

        // keel run's candidate of the same options: trained on the weighted train split, scored on validation weighted by the column.
        var outcome = new CandidateTrainer(run, TimeProvider.System).Train(AsCandidate(run, trial));
        Assert.Equal(outcome.ValidationMetrics["auc"], trial.Value!.Value, 12);
    }

    [Fact]
    public async Task Search_ValidationScoredTrialWithSelfTraining_ValueIsKeelRunsValidationScore()
    {
        // credit_data with the label of every third row emptied: those rows form the pool that each candidate self-trains on.
        var lines = File.ReadAllLines(Path.Combine(Root(), "samples", "credit_data.csv"));
        var csv = Path.Combine(_dir, "pool.csv");
        File.WriteAllLines(csv, lines.Select((l, i) => i > 0 && i % 3 == 0 ? l[l.IndexOf(',', StringComparison.Ordinal)..] : l));
        var run = Prepare("  trials: 1\n  families: [linear]\n  pruner: none\n",
            "labels: {self_training: {threshold: 0.9, iterations: 2}}\nmodels: [linear]\n", csv);
        await using var store = await OpenAsync();

        var trial = (await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None)).Trials.Single();

        var trainer = new CandidateTrainer(run, TimeProvider.System);
        var outcome = trainer.Train(AsCandidate(run, trial));
        Assert.True(trainer.SelfTrained!.Added.Length > 0);
        Assert.Equal(outcome.ValidationMetrics["auc"], trial.Value!.Value, 12);
    }

    [Fact]
    public async Task Search_DefaultFamiliesSmallSet_RandomForestSearchedInItsOwnSpace()
    {
        var run = Prepare("  trials: 4\n  pruner: none\n" +
            "  spaces:\n    lightgbm: {learning_rate: 0.3, number_of_leaves: 8, minimum_example_count_per_leaf: 10, l2_regularization: 0}\n" +
            "    fasttree: {learning_rate: 0.3, number_of_leaves: 8, minimum_example_count_per_leaf: 10}\n");
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        Assert.Equal(["fasttree", "lightgbm", "linear", "random_forest"], outcome.Trials.Select(t => t.Family).Order(StringComparer.Ordinal));
        var forest = outcome.Trials.Single(t => t.Family == "random_forest");
        Assert.Equal(["feature_fraction", "minimum_example_count_per_leaf", "number_of_trees"], forest.Options.Keys.Order(StringComparer.Ordinal));
        Assert.NotNull(forest.Value);
    }

    [Theory]
    [InlineData("median", 30)]
    [InlineData("asha", 10)]
    [InlineData("hyperband", 10)] // trial 5's bracket (CRC-32 of "credit-search_5") is the most aggressive one, with trials 1 and 3
    [InlineData("{type: percentile, percentile: 25}", 30)]
    [InlineData("{type: threshold, upper: 0.58}", 30)] // the prior's log loss on credit_data is about 0.59
    public async Task Search_DeliberatelyBadConfiguration_PrunedEarly(string pruner, int stoppedBy)
    {
        // Grid order: five sensible learning rates, then one so small that the model barely moves in 100 rounds (every other
        // parameter of lightgbm's space fixed, so the grid is the six rates).
        var run = Prepare($"  trials: 6\n  families: [lightgbm]\n  sampler: grid\n  pruner: {pruner}\n" +
            "  spaces:\n    lightgbm:\n      learning_rate: ['0.1', '0.12', '0.14', '0.16', '0.18', '0.0001']\n      number_of_leaves: 8\n      minimum_example_count_per_leaf: 20\n      l2_regularization: 0\n      categorical_split: 'false'\n",
            "models:\n  - {type: lightgbm, options: {number_of_iterations: 100, early_stopping_rounds: 0}}\n");
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        var trials = await store.Studies.ListTrialsAsync("credit-search");
        var bad = trials.Single(t => t.Number == 5);
        Assert.Equal("0.0001", outcome.Trials.Single(t => t.Number == 5).Options["learning_rate"]);
        Assert.True(bad.State == TrialState.Pruned, $"{bad.State}; its first losses {string.Join(" ", bad.Intermediate.OrderBy(kv => kv.Key).Take(12).Select(kv => kv.Value.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.True(bad.Intermediate.Keys.Max() <= stoppedBy, $"stopped after {bad.Intermediate.Keys.Max()} rounds");
        Assert.Contains(trials.Take(5), t => t.State == TrialState.Complete && t.Intermediate.Keys.Max() == 100);
        // The report's intermediate-values chart draws every trial's reported losses, the pruned one ending where it stopped.
        var lines = ChartLines(await File.ReadAllTextAsync(Report(outcome.SearchRunId)), "lightgbm: validation loss per round");
        Assert.Equal(bad.Intermediate.Count, lines["#5 pruned"]);
        Assert.All(trials.Where(t => t.State == TrialState.Complete), t => Assert.Equal(100, lines[$"#{t.Number} complete"]));
    }

    [Fact]
    public async Task Search_PatientPruner_StopsTheTrialWhoseLossTurnsUpAndKeepsTheSteadyOne()
    {
        // Grid order: a steady learning rate, then one so large that the validation loss soon rises. The patient pruner stops a
        // trial once the best of its last 6 rounds is worse than its best before them.
        var run = Prepare("  trials: 2\n  families: [lightgbm]\n  sampler: grid\n  pruner: {type: patient, patience: 5}\n" +
            "  spaces:\n    lightgbm:\n      learning_rate: ['0.05', '1.0']\n      number_of_leaves: 8\n      minimum_example_count_per_leaf: 20\n      l2_regularization: 0\n      categorical_split: 'false'\n",
            "models:\n  - {type: lightgbm, options: {number_of_iterations: 100, early_stopping_rounds: 0}}\n");
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        var trials = await store.Studies.ListTrialsAsync("credit-search");
        Assert.Equal((TrialState.Complete, 100), (trials[0].State, trials[0].Intermediate.Keys.Max()));
        var rising = trials[1];
        Assert.Equal(TrialState.Pruned, rising.State);
        Assert.Equal("patient 5", (await store.Tracking.GetRunAsync(outcome.SearchRunId))!.Params["search.pruner"]);
        // The rule held at a round of the rung (10, 30, ...) where it stopped, and at no round of the rungs before: the losses it
        // reported, read back from the store.
        var losses = rising.Intermediate.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToArray();
        bool Stalled(int rounds) => rounds > 6 && losses[..(rounds - 6)].Min() < losses[(rounds - 6)..rounds].Min();
        var first = Enumerable.Range(1, losses.Length).First(Stalled);
        var rung = outcome.Trials.Single(t => t.Number == 1).Rounds;
        Assert.Equal(rung, losses.Length);
        Assert.True(first > rung / 3 && first <= rung && rung <= 30, $"stalled at round {first}, stopped in the rung to {rung}");
    }

    /// <summary>The lines of the SVG chart titled <paramref name="title"/> in <paramref name="html"/>: name → number of points.</summary>
    private static Dictionary<string, int> ChartLines(string html, string title) =>
        System.Text.RegularExpressions.Regex.Matches(Svg(html, title), "<polyline class=\"series-line\"[^>]* points=\"([^\"]*)\"><title>([^<]*)</title>")
            .ToDictionary(m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value), m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

    /// <summary>The SVG chart titled <paramref name="title"/> in <paramref name="html"/>, from its title on.</summary>
    private static string Svg(string html, string title)
    {
        var start = html.IndexOf($"<title>{title}</title>", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no chart '{title}'");
        return html[start..html.IndexOf("</svg>", start, StringComparison.Ordinal)];
    }

    /// <summary>Each trial's tracked params (FAMILY.OPTION), by trial number.</summary>
    private static async Task<Dictionary<int, IReadOnlyDictionary<string, string>>> TrialParamsAsync(KeelStore store, SearchOutcome outcome)
    {
        var runs = new Dictionary<int, IReadOnlyDictionary<string, string>>();
        foreach (var t in outcome.Trials) runs[t.Number] = (await store.Tracking.GetRunAsync(t.RunId!))!.Params;
        return runs;
    }

    [Fact]
    public async Task Search_EnqueuedTrials_TrainWithTheGivenOptionsAndSampleTheRest()
    {
        var run = Prepare("  trials: 4\n  families: [linear, lightgbm]\n  pruner: none\n  enqueue:\n" +
            "    - {family: lightgbm, options: {learning_rate: 0.1, number_of_leaves: 8}}\n    - {family: linear, options: {l2_regularization: 0.5}}\n",
            "models:\n  - {type: lightgbm, options: {number_of_iterations: 30}}\n  - linear\n");
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        // Trial 0 is linear's first, trial 1 lightgbm's first: each trains with the given options, as its tracked run records them.
        var runs = await TrialParamsAsync(store, outcome);
        Assert.Equal("0.5", runs[0]["linear.l2_regularization"]);
        Assert.Equal(("0.1", "8"), (runs[1]["lightgbm.learning_rate"], runs[1]["lightgbm.number_of_leaves"]));
        // Its other options are sampled, and the later trials are TPE's own.
        Assert.True(runs[1].ContainsKey("lightgbm.minimum_example_count_per_leaf"));
        Assert.NotEqual("0.1", runs[3]["lightgbm.learning_rate"]);
        Assert.NotEqual("0.5", runs[2]["linear.l2_regularization"]);
        // `keel studies show` and the web UI read the study: trials 0 and 1 are marked enqueued.
        var overview = await StudyOverviews.GetAsync(store.Studies, "credit-search", DateTimeOffset.UtcNow);
        Assert.Equal([0, 1], overview.Trials.Where(t => t.Enqueued).Select(t => t.Number));
        Assert.Contains("Enqueued (search.enqueue: these options given, the rest sampled): trial 0 (linear): l2_regularization=0.5; " +
            "trial 1 (lightgbm): learning_rate=0.1, number_of_leaves=8.", await File.ReadAllTextAsync(outcome.ReportPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_StartFromDefaults_EachFamilysFirstTrialTrainsKeelRunsOptionsAndIsMarked()
    {
        var run = Prepare("  trials: 4\n  families: [linear, lightgbm]\n  pruner: none\n  start_from_defaults: true\n",
            "models:\n  - {type: lightgbm, options: {number_of_iterations: 30}}\n  - linear\n");
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        var runs = await TrialParamsAsync(store, outcome);
        // The trials train what keel run trains: its effective options are every trial run's params, the defaults among them.
        var keelRun = run.Candidates.Single(c => c.Spec.Type == "lightgbm").Trainer.EffectiveParams;
        foreach (var name in new[] { "learning_rate", "number_of_leaves", "minimum_example_count_per_leaf", "l2_regularization" })
            Assert.Equal(keelRun[name], runs[1]["lightgbm." + name]);
        Assert.Equal("1", runs[0]["linear.l2_regularization"]);
        Assert.NotEqual("1", runs[2]["linear.l2_regularization"]);
        var overview = await StudyOverviews.GetAsync(store.Studies, "credit-search", DateTimeOffset.UtcNow);
        Assert.Equal([0, 1], overview.Trials.Where(t => t.Defaults).Select(t => t.Number));
        Assert.Contains("Started from the defaults (search.start_from_defaults: each family's first trial trains the options keel run would, " +
            "where its space holds them): trial 0 (linear): l2_regularization=1; trial 1 (lightgbm): learning_rate=0.05,", await File.ReadAllTextAsync(outcome.ReportPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_ThreeObjectives_FrontIsTheUndominatedTrialsAndTheReportPlotsEveryTrial()
    {
        var run = Prepare("  trials: 6\n  families: [linear, lightgbm]\n  objectives: [auc, latency, size]\n",
            "models:\n  - {type: lightgbm, options: {number_of_iterations: 30}}\n  - linear\n");
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        // Every complete trial's objectives as its tracked run records them; the front is exactly those no other beats on all three.
        var values = new Dictionary<int, double[]>();
        foreach (var t in outcome.Trials.Where(t => t.State == "complete"))
        {
            var m = (await store.Tracking.GetRunAsync(t.RunId!))!.Metrics;
            values[t.Number] = [m["val.auc"], m["predict_us_per_row"], m["model_bytes"]];
        }
        Assert.Equal(6, values.Count);
        // The study keeps the same values per trial, for the sampler that searches for the front (no trial pruned: no pruner by default).
        var kept = await store.Studies.ListTrialsAsync(outcome.Study);
        Assert.Equal(values.OrderBy(kv => kv.Key).Select(kv => kv.Value), kept.Select(t => t.Values!.ToArray()));
        bool Beats(double[] a, double[] b) => a[0] >= b[0] && a[1] <= b[1] && a[2] <= b[2] && (a[0] > b[0] || a[1] < b[1] || a[2] < b[2]);
        var expected = values.Keys.Where(i => !values.Keys.Any(j => Beats(values[j], values[i]))).Order().ToArray();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, outcome.ParetoFront!.Select(p => p.Trial));
        Assert.Equal(values.Keys.Order(), outcome.ObjectivePoints!.Select(p => p.Trial));
        var html = await File.ReadAllTextAsync(outcome.ReportPath);
        foreach (var axis in new[] { "latency µs/row", "size bytes" })
        {
            var dots = ChartDots(html, $"Pareto front: auc against {axis}");
            Assert.Equal((6 - expected.Length, expected.Length), (dots["other trials"], dots["Pareto front"]));
        }
        // How the front grew: one point per complete trial.
        Assert.Equal(6, ChartLines(html, "Front hypervolume by trial")["hypervolume"]);
        // The final run (cv) lets each family's other front trials compete beside its best, named by trial.
        var best = outcome.Budgets.Where(b => b.BestTrial is not null).Select(b => b.BestTrial!.Value).ToHashSet();
        bool Cheaper(int n) => outcome.Budgets.Single(b => b.Family == outcome.Trials[n].Family).BestTrial is { } b
            && (values[n][1] * 1.5 < values[b][1] || values[n][2] < 0.9 * values[b][2]);
        var others = expected.Where(n => !best.Contains(n) && Cheaper(n)).GroupBy(n => outcome.Trials[n].Family)
            .SelectMany(g => g.OrderByDescending(n => outcome.Trials[n].Value).Take(SearchPipeline.FrontCandidatesPerFamily)).Select(n => $"{outcome.Trials[n].Family}-t{n}");
        Assert.Equal(others.Order(), outcome.Final!.Candidates.Select(c => c.Name).Where(n => n.Contains("-t", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task Search_Nsga2TwoObjectives_LaterGenerationsInheritFromTheFirstAndTheStudyKeepsThePopulation()
    {
        // nsga2 with a population of 3: trials 0-2 of lightgbm are the random first generation; trials 3-7 are children of its
        // elite, so each takes most of its values exactly from earlier complete trials.
        var run = Prepare("  trials: 8\n  families: [lightgbm]\n  sampler: nsga2\n  population: 3\n  objectives: [auc, size]\n",
            "models:\n  - {type: lightgbm, options: {number_of_iterations: 20}}\n");
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        var trials = await store.Studies.ListTrialsAsync(outcome.Study);
        Assert.Equal(8, trials.Count(t => t.State == TrialState.Complete));
        int Shared(TrialRecord t) => trials.Where(e => e.Number < t.Number).Max(e => t.Params.Count(kv => e.Params.TryGetValue(kv.Key, out var v) && v == kv.Value));
        Assert.All(trials.Skip(3), t => Assert.True(Shared(t) >= 2, $"trial {t.Number} shares {Shared(t)} values"));
        Assert.True(trials.Skip(1).Take(2).All(t => !trials.Take(t.Number).Any(e => e.Params["learning_rate"] == t.Params["learning_rate"])));
        var study = (await store.Studies.GetStudyAsync(outcome.Study))!;
        Assert.Contains("\"Sampler\":\"nsga2\"", study.DefinitionJson, StringComparison.Ordinal);
        Assert.Contains("\"Population\":3", study.DefinitionJson, StringComparison.Ordinal);
        Assert.Contains("sampler nsga2 (population 3)", await File.ReadAllTextAsync(outcome.ReportPath), StringComparison.Ordinal);
        // The report draws lightgbm's two most important parameters against each other, every complete trial a dot in its third.
        var html = await File.ReadAllTextAsync(outcome.ReportPath);
        var pair = System.Text.RegularExpressions.Regex.Match(html, "<title>(lightgbm: [^<]* against [^<]*, trials by auc)</title>");
        Assert.True(pair.Success, "no parameter-pair chart");
        var thirds = ChartDots(html, System.Net.WebUtility.HtmlDecode(pair.Groups[1].Value));
        Assert.Equal((3, 3, 2), (thirds["best third"], thirds["middle third"], thirds["worst third"]));
        // `keel studies show` and the web UI show each trial's generation: three trials fill a generation.
        var overview = await StudyOverviews.GetAsync(store.Studies, outcome.Study, DateTimeOffset.UtcNow);
        Assert.Equal([0, 0, 0, 1, 1, 1, 2, 2], overview.Trials.Select(t => t.Generation));
        // Another population is another study definition: resuming it under the same name is refused, naming the field.
        var changed = Prepare("  trials: 8\n  families: [lightgbm]\n  sampler: nsga2\n  population: 4\n  objectives: [auc, size]\n",
            "models:\n  - {type: lightgbm, options: {number_of_iterations: 20}}\n");
        var e = await Assert.ThrowsAsync<Keel.Core.KeelInputException>(() => Pipeline(store).SearchAsync(changed, new SearchRequest(), Report, CancellationToken.None));
        Assert.Contains("search.population (was 3, now 4)", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The dot groups of the SVG scatter chart titled <paramref name="title"/>: series name → number of dots.</summary>
    private static Dictionary<string, int> ChartDots(string html, string title) =>
        System.Text.RegularExpressions.Regex.Matches(Svg(html, title), "<g class=\"series-points\"[^>]*><title>([^<]*)</title>(.*?)</g>")
            .ToDictionary(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), m => System.Text.RegularExpressions.Regex.Matches(m.Groups[2].Value, "<circle").Count);

    [Fact]
    public async Task Search_ConstantLiarChanged_ResumeRefusedNamingTheField()
    {
        var off = Prepare("  trials: 2\n  families: [linear]\n  constant_liar: false\n");
        await using var store = await OpenAsync();
        await Pipeline(store).SearchAsync(off, new SearchRequest(), Report, CancellationToken.None);

        var on = Prepare("  trials: 2\n  families: [linear]\n");
        var e = await Assert.ThrowsAsync<Keel.Core.KeelInputException>(() => Pipeline(store).SearchAsync(on, new SearchRequest(), Report, CancellationToken.None));

        Assert.Contains("search.constant_liar (was false, now true)", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await store.Studies.ListTrialsAsync("credit-search")).Count);
    }

    [Fact]
    public async Task Search_SameSpecAgainAfterDone_ResumesStudyWithoutNewTrials()
    {
        var run = Prepare("  trials: 2\n  families: [linear]\n");
        await using var store = await OpenAsync();
        await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);
        var again = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);
        Assert.Equal(2, again.Trials.Count);
        Assert.True(again.Complete);
    }

    [Fact]
    public async Task Search_DoneStudyResumedWithMoreTrials_KeepsItsTrialsAndRunsOnlyTheNewOnes()
    {
        var run = Prepare("  trials: 2\n  families: [linear]\n");
        await using var store = await OpenAsync();
        var first = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        // As Optuna's study.optimize(n_trials=...) again: the same study, two more trials sampled from the first two's history.
        var more = await Pipeline(store).SearchAsync(run, new SearchRequest { Trials = 4 }, Report, CancellationToken.None);

        Assert.Equal((4, 4, true), (more.Planned, more.Trials.Count, more.Complete));
        Assert.Equal(first.Trials.Select(t => (t.Number, t.RunId, t.Value)), more.Trials.Take(2).Select(t => (t.Number, t.RunId, t.Value)));
        foreach (var t in more.Trials.Skip(2))
            Assert.Equal((more.SearchRunId, "complete"), ((await store.Tracking.GetRunAsync(t.RunId!))!.Tags["keel.parent_run_id"], t.State));
        Assert.Equal(4, (await store.Studies.GetStudyAsync("credit-search"))!.PlannedTrials);

        // A timeout alone bounds one process and leaves the plan; fewer trials than the study has numbered is refused.
        var timed = await Pipeline(store).SearchAsync(run, new SearchRequest { Timeout = TimeSpan.FromMinutes(5) }, Report, CancellationToken.None);
        Assert.Equal((4, 4), (timed.Planned, timed.Trials.Count));
        var e = await Assert.ThrowsAsync<Keel.Core.KeelInputException>(() => Pipeline(store).SearchAsync(run, new SearchRequest { Trials = 3 }, Report, CancellationToken.None));
        Assert.Contains("--trials 3: study 'credit-search' has already numbered 4 trials", e.Message);
    }

    [Fact]
    public async Task Search_ChangedSpaceSameStudy_RefusedNamingStudy()
    {
        await using var store = await OpenAsync();
        await Pipeline(store).SearchAsync(Prepare("  trials: 1\n  families: [linear]\n"), new SearchRequest(), Report, CancellationToken.None);
        var changed = Prepare("  trials: 1\n  families: [linear]\n  spaces:\n    linear:\n      l2_regularization: {low: 0.1, high: 1, log: true}\n");
        var e = await Assert.ThrowsAsync<Keel.Core.KeelInputException>(() => Pipeline(store).SearchAsync(changed, new SearchRequest(), Report, CancellationToken.None));
        Assert.Contains("credit-search", e.Message);
    }

    /// <summary>Creates <paramref name="plan"/>'s study in <paramref name="store"/> as keel search wrote it before trial scoring was part of
    /// the definition (commit 8d59b30 added it; its trials were scored on the validation split unless the spec said split.selection: cv),
    /// with <paramref name="ran"/> trials complete at value 0.5 and a search run; <paramref name="spaces"/> replaces the spaces written.</summary>
    private static async Task<Keel.Core.Search.StudyRecord> OldStudyAsync(KeelStore store, SearchPlan plan, int planned, int ran, IReadOnlyDictionary<string, string>? spaces = null)
    {
        var definition = System.Text.Json.JsonSerializer.Serialize(new
        {
            plan.SpecPath, plan.SpecSha256, plan.Families,
            Spaces = spaces ?? plan.Families.ToDictionary(f => f, f => SearchSpaces.Describe(plan.Spaces[f])),
            plan.Sampler, plan.Pruner, plan.Seed, plan.Metric, StaleAfterSeconds = plan.StaleAfter.TotalSeconds,
        });
        Assert.DoesNotContain("Scoring", definition);
        await store.Studies.CreateStudyAsync(new Keel.Core.Search.StudyRecord(plan.Study, plan.Families, planned, definition, DateTimeOffset.UtcNow));
        var experiment = await store.Tracking.GetOrCreateExperimentAsync("credit");
        var searchRun = await store.Tracking.CreateRunAsync(experiment.Id, "old-search", DateTimeOffset.UtcNow, new Dictionary<string, string>());
        await store.Studies.SetSearchRunAsync(plan.Study, searchRun.Id);
        var study = new Keel.Search.Study(store.Studies, plan.Study, plan.Spaces, "old-worker", plan.StudyOptions(TimeProvider.System));
        for (var i = 0; i < ran; i++)
        {
            await using var trial = (await study.AskAsync(null, CancellationToken.None))!;
            await trial.CompleteAsync(0.5, null, CancellationToken.None);
        }
        return (await store.Studies.GetStudyAsync(plan.Study))!;
    }

    /// <summary>The validation auc of a linear trial fitted on <paramref name="run"/>'s train split as a validation-scored trial is.</summary>
    private static double ValidationScore(PreparedRun run, IReadOnlyDictionary<string, string> options)
    {
        var validation = RunPreparation.Prepare(run.Spec with { Split = run.Spec.Split with { Selection = Keel.Core.Spec.SelectionMode.Validation } }, run.SpecText, run.SpecPath);
        var fit = Linear(validation, options).Fit(new(validation.Features.Take(validation.Split.Train), validation.Label.Labels.Take(validation.Split.Train)), null, validation.Context());
        return Keel.Evaluation.Evaluator.Evaluate(validation.Label.Labels.Take(validation.Split.Validation), fit.Model.Predict(validation.Features.Take(validation.Split.Validation))).Metrics["auc"];
    }

    /// <summary>Every progress report, in order (reported synchronously, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class Reports : IProgress<SearchProgress>
    {
        public List<SearchProgress> All { get; } = [];

        public void Report(SearchProgress value)
        {
            lock (All) All.Add(value);
        }
    }

    [Fact]
    public async Task Search_StudyFromBeforeScoringWasRecorded_ResumesScoringOnTheValidationSplitWithoutRerunningTrials()
    {
        var run = Prepare("  trials: 3\n  families: [linear]\n");
        Assert.Equal(Keel.Core.Spec.SelectionMode.Cv, run.Selection.Mode); // today's default rule would score by cv
        var plan = SearchPlan.From(run, new SearchRequest());
        await using var store = await OpenAsync();
        var old = await OldStudyAsync(store, plan, 3, 1);
        var reports = new Reports();

        var outcome = await new SearchPipeline(store, TimeProvider.System, reports, "tester").SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        var start = Assert.Single(reports.All, r => r.Plan is not null);
        Assert.Equal(("start", "validation"), (start.Phase, start.Plan!.Scoring)); // the header `keel search` prints: the plan as resumed
        Assert.Same(start, reports.All[0]);

        var trials = await store.Studies.ListTrialsAsync(plan.Study);
        Assert.Equal([(0, 1, (double?)0.5), (1, 1, trials[1].Value), (2, 1, trials[2].Value)], trials.Select(t => (t.Number, t.Attempt, t.Value)));
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal("validation", (await store.Tracking.GetRunAsync(outcome.SearchRunId))!.Params["search.scoring"]);
        foreach (var trial in outcome.Trials.Skip(1))
        {
            Assert.Equal("validation", (await store.Tracking.GetRunAsync(trial.RunId!))!.Params["scoring"]);
            Assert.Equal(ValidationScore(run, trial.Options), trial.Value!.Value, 12);
        }
        Assert.Equal(old.DefinitionJson, (await store.Studies.GetStudyAsync(plan.Study))!.DefinitionJson);
    }

    [Fact]
    public async Task Join_StudyFromBeforeScoringWasRecorded_RunsTheRestScoredOnTheValidationSplit()
    {
        var run = Prepare("  trials: 2\n  families: [linear]\n");
        var plan = SearchPlan.From(run, new SearchRequest());
        await using var store = await OpenAsync();
        await OldStudyAsync(store, plan, 2, 1);

        var joined = await Pipeline(store).JoinAsync(plan.Study, new SearchRequest(), CancellationToken.None);

        var ran = Assert.Single(joined.Ran);
        Assert.Equal((1, Keel.Core.Search.TrialState.Complete), (ran.Number, ran.State));
        var trials = await store.Studies.ListTrialsAsync(plan.Study);
        Assert.Equal(0.5, trials[0].Value);
        var trialRun = (await store.Tracking.SearchRunsAsync(new RunQuery { Filter = "tags.keel.trial = '1'", MaxResults = 10 })).Runs.Single();
        Assert.Equal("validation", trialRun.Params["scoring"]);
        var options = trialRun.Params.Where(p => p.Key.StartsWith("linear.", StringComparison.Ordinal)).ToDictionary(p => p.Key["linear.".Length..], p => p.Value);
        Assert.Equal(ValidationScore(run, options), trials[1].Value!.Value, 12);
    }

    [Fact]
    public async Task Search_StudyFromBeforeScoringWasRecordedWithAnotherSpace_RefusedNamingTheSpace()
    {
        var run = Prepare("  trials: 2\n  families: [linear]\n");
        var plan = SearchPlan.From(run, new SearchRequest());
        await using var store = await OpenAsync();
        await OldStudyAsync(store, plan, 2, 1, new Dictionary<string, string> { ["linear"] = "l2_regularization [0.1, 1] log" });

        var e = await Assert.ThrowsAsync<Keel.Core.KeelInputException>(() => Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None));

        Assert.Contains("study 'credit-search'", e.Message);
        Assert.Contains("search.spaces.linear (was l2_regularization [0.1, 1] log, now ", e.Message);
        Assert.DoesNotContain("scoring", e.Message);
        Assert.Single(await store.Studies.ListTrialsAsync(plan.Study));
    }

    [Fact]
    public async Task Trial_RunRowsAboveLargeSetThresholdTrialRowsBelow_TrainsWithTheFinalRunsCategoricalLimits()
    {
        // 130,000 rows: train + validation 104,000 (keel run's count: the large-set limits), a trial's train split 83,200 (below it).
        var data = Path.Combine(_dir, "big.csv");
        var random = new Random(7);
        File.WriteAllLines(data, ["x,c,y", .. Enumerable.Range(0, 130_000).Select(i => $"{random.NextDouble():0.###},v{i % 40},{(random.NextDouble() < 0.3 ? "yes" : "no")}")]);
        var spec = Path.Combine(_dir, "big.yaml");
        File.WriteAllText(spec, $"experiment: big\ndata: {{path: {data}, label: y}}\nmodels:\n  - {{type: lightgbm, options: {{number_of_iterations: 2}}}}\nsearch:\n  trials: 1\n  families: [lightgbm]\n");
        var run = RunPreparation.Prepare(spec, null);
        Assert.InRange(run.Split.Train.Length, 1, Keel.Training.MlNet.LightGbmOptions.LargeSetRows - 1);
        Assert.InRange(run.Split.Train.Length + run.Split.Validation.Length, Keel.Training.MlNet.LightGbmOptions.LargeSetRows, int.MaxValue);
        await using var store = await OpenAsync();
        var options = TrialRunner.Options(run.Spec, "lightgbm", new Dictionary<string, string>());

        var trial = new TrialRunner(store, run, SearchPlan.From(run, new SearchRequest()), TimeProvider.System).Create("lightgbm", options);

        var winner = new TrialSummary(0, "lightgbm", "complete", 0.5, 1, 2, 0, new Dictionary<string, string>(), null);
        var final = RunPipeline.WithTrainingRows(SearchPipeline.FinalRun(run, ["lightgbm"], [winner], "search")).Candidates.Single(c => c.Spec.Type == "lightgbm").Trainer;
        Assert.Equal("64", final.EffectiveParams["maximum_categorical_split_point_count"]);
        Assert.Equal(final.EffectiveParams, trial.EffectiveParams);
    }

    [Fact]
    public async Task Search_NoSelectionInSpecFewRows_TrialsScoredByTheCvFolds()
    {
        var run = Prepare("  trials: 2\n  families: [linear]\n");
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        Assert.Equal(Keel.Core.Spec.SelectionMode.Cv, run.Selection.Mode);
        Assert.Equal("5-fold cv", (await store.Tracking.GetRunAsync(outcome.SearchRunId))!.Params["search.scoring"]);
        var trial = outcome.Trials[0];
        Assert.Equal("5-fold cv", (await store.Tracking.GetRunAsync(trial.RunId!))!.Params["scoring"]);
        Assert.Equal(FoldMean(run, trial.Options), trial.Value!.Value, 12);
    }

    [Fact]
    public async Task Search_SelectionValidationInSpec_TrialsScoredOnTheValidationSplit()
    {
        var run = Prepare("  trials: 2\n  families: [linear]\n", "split: {selection: validation}\n");
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        Assert.Equal("validation", (await store.Tracking.GetRunAsync(outcome.SearchRunId))!.Params["search.scoring"]);
        var trial = outcome.Trials[0];
        Assert.Equal("validation", (await store.Tracking.GetRunAsync(trial.RunId!))!.Params["scoring"]);
        var fit = Linear(run, trial.Options).Fit(new(run.Features.Take(run.Split.Train), run.Label.Labels.Take(run.Split.Train)), null, run.Context());
        var expected = Keel.Evaluation.Evaluator.Evaluate(run.Label.Labels.Take(run.Split.Validation), fit.Model.Predict(run.Features.Take(run.Split.Validation))).Metrics["auc"];
        Assert.Equal(expected, trial.Value!.Value, 12);
        Assert.Equal("validation", outcome.Final!.Selection.Mode);
        Assert.DoesNotContain(outcome.Final.Candidates, c => c.Name == "ensemble");
    }

    private static Keel.Training.ITrainer Linear(PreparedRun run, IReadOnlyDictionary<string, string> options) =>
        Keel.Training.TrainerCatalog.Create(new Keel.Core.Spec.ModelSpec { Type = "linear", Options = options }, run.Task, 0);

    /// <summary>The mean validation auc of a linear model with <paramref name="options"/> over the run's cv folds.</summary>
    private static double FoldMean(PreparedRun run, IReadOnlyDictionary<string, string> options) => run.Selection.Folds.Average(f =>
    {
        var fit = Linear(run, options).Fit(new(run.Features.Take(f.Train), run.Label.Labels.Take(f.Train)), null, run.Context());
        return Keel.Evaluation.Evaluator.Evaluate(run.Label.Labels.Take(f.Validation), fit.Model.Predict(run.Features.Take(f.Validation))).Metrics["auc"];
    });

    /// <summary>A binary set that an additive model and a tree model each get partly right: y follows the sum of eight features plus an
    /// exclusive-or of two others, with noise; the blend of linear and lightgbm beats each alone by more than the folds' noise.</summary>
    private string AdditivePlusXor(int rows)
    {
        var path = Path.Combine(_dir, "additive-xor.csv");
        var rng = new Random(11);
        var lines = new List<string> { string.Join(",", Enumerable.Range(0, 10).Select(i => $"x{i}")) + ",y" };
        for (var r = 0; r < rows; r++)
        {
            var x = Enumerable.Range(0, 10).Select(_ => rng.NextDouble()).ToArray();
            var xor = (x[0] > 0.5) ^ (x[1] > 0.5) ? 1.0 : -1.0;
            var noise = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            var z = x.Skip(2).Sum(v => v - 0.5) * 2 + xor + 0.3 * noise;
            lines.Add(string.Join(",", x.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + (z > 0 ? ",yes" : ",no"));
        }
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Search_DefaultCandidates_FinalRunOffersTheOutOfFoldEnsembleOfTheWinnersAndRegistersIt()
    {
        var spec = Path.Combine(_dir, "ensemble.yaml");
        File.WriteAllText(spec, $"experiment: xor\ndata: {{path: {AdditivePlusXor(1000)}, label: y}}\nsearch:\n  trials: 2\n  families: [linear, lightgbm]\n  pruner: none\n"
            + "  spaces:\n    linear: {l2_regularization: 1}\n    lightgbm: {learning_rate: 0.1, number_of_leaves: 8, minimum_example_count_per_leaf: 10, l2_regularization: 0}\n");
        var run = RunPreparation.Prepare(spec, null);
        await using var store = await OpenAsync();

        var outcome = await Pipeline(store).SearchAsync(run, new SearchRequest(), Report, CancellationToken.None);

        var final = outcome.Final!;
        var ensemble = final.Candidates.Single(c => c.Name == "ensemble");
        Assert.Equal("voting", ensemble.Type);
        Assert.Equal("linear,lightgbm", ensemble.Params["members"]);
        Assert.Equal(5, ensemble.CrossValidation!.FoldMetrics.Count);
        Assert.Equal("ensemble", final.Selected);
        Assert.Equal(ensemble.TestMetrics["auc"], final.Final.TestMetrics["auc"]);
        var version = await Keel.Pipeline.Predict.ModelLoader.ResolveAsync(store.Registry, Keel.Pipeline.Predict.ModelReference.Parse($"{final.Registered!.Name}:{final.Registered.Version}"));
        var loaded = await Keel.Pipeline.Predict.ModelLoader.LoadAsync(store.Artifacts, version);
        Assert.Equal("voting", loaded.Model.Type);
        Assert.Equal(ensemble.TestPredictions.Probabilities!, loaded.Model.Predict(run.Features.Take(run.Split.Test)).Probabilities!);
    }
}
