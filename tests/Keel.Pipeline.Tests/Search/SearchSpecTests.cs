using Keel.Core;
using Keel.Pipeline.Search;

namespace Keel.Pipeline.Tests.Search;

/// <summary>The search section: defaults, and errors that name the file, line and field.</summary>
public sealed class SearchSpecTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-search-spec-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string search)
    {
        var data = Path.Combine(SearchPipelineTests.Root(), "samples", "credit_data.csv");
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"data: {{path: {data}, label: Status}}\nsearch:\n{search}");
        return spec;
    }

    private SearchPlan Plan(string search, SearchRequest? request = null) => SearchPlan.From(RunPreparation.Prepare(Write(search), null), request ?? new SearchRequest());

    [Fact]
    public void From_EmptySection_TpeMedianDefaultCandidatesFamiliesTwentyTrialsEach()
    {
        var plan = Plan("  seed: 5\n");
        Assert.Equal(("tpe", "median", 5, 80, "credit_data-search"), (plan.Sampler, plan.Pruner, plan.Seed, plan.PlannedTrials, plan.Study));
        // keel run's default candidates below 200,000 rows: random_forest is the forest, not fastforest.
        Assert.Equal(["linear", "lightgbm", "fasttree", "random_forest"], plan.Families);
        Assert.Equal("number_of_trees int [50, 300]; feature_fraction [0.1, 1]; minimum_example_count_per_leaf int log[1, 20]", SearchSpaces.Describe(plan.Spaces["random_forest"]));
    }

    [Fact]
    public void From_CategoricalFeatureColumn_LightgbmSearchesItsCategoricalHandling()
    {
        // credit_data has categorical columns (Home, Marital, Records, Job): native or one-hot splits become a choice, and the
        // rows a side of a native split a parameter that exists only under it.
        Assert.Equal("learning_rate log[0.01, 0.3]; number_of_leaves int log[4, 256]; minimum_example_count_per_leaf int log[2, 200]; " +
            "l2_regularization [0, 10]; categorical_split {true, false}; minimum_example_count_per_group int log[5, 200] when categorical_split=true",
            SearchSpaces.Describe(Plan("  seed: 5\n").Spaces["lightgbm"]));
    }

    [Fact]
    public void From_NoCategoricalFeatureColumn_LightgbmSpaceWithoutCategoricalHandling()
    {
        var data = Path.Combine(_dir, "numbers.csv");
        var rng = new Random(3);
        File.WriteAllLines(data, ["x,z,y", .. Enumerable.Range(0, 200).Select(i => $"{rng.NextDouble():F4},{rng.NextDouble():F4},{(i % 3 == 0 ? "a" : "b")}")]);
        AssertNoCategoricalHandling($"data: {{path: {data}, label: y}}\nsearch:\n  trials: 2\n");
    }

    [Fact]
    public void From_SpecFixesLightgbmCategoricalSplit_NotSearched()
    {
        var data = Path.Combine(SearchPipelineTests.Root(), "samples", "credit_data.csv");
        AssertNoCategoricalHandling($"data: {{path: {data}, label: Status}}\nmodels:\n  - {{type: lightgbm, options: {{categorical_split: false}}}}\nsearch:\n  trials: 2\n");
    }

    [Fact]
    public void From_SpecFixesLightgbmCategoricalSplitTrue_RowsPerGroupSearchedWithoutCondition()
    {
        Assert.Equal("learning_rate log[0.01, 0.3]; number_of_leaves int log[4, 256]; minimum_example_count_per_leaf int log[2, 200]; " +
            "l2_regularization [0, 10]; minimum_example_count_per_group int log[5, 200]",
            SearchSpaces.Describe(ModelsPlan("  - {type: lightgbm, options: {categorical_split: True}}\n", "").Spaces["lightgbm"]));
    }

    [Theory]
    [InlineData("'false'", "categorical_split {false}")]
    [InlineData("'true'", "categorical_split {true}; minimum_example_count_per_group int log[5, 200]")]
    public void From_SpacesFixLightgbmCategoricalSplit_RowsPerGroupFollowsTheFixedChoice(string value, string expected)
    {
        // A single value in search.spaces settles the default parameter conditional on it, as a model's fixed option does.
        var space = Plan($"  families: [lightgbm]\n  spaces:\n    lightgbm:\n      categorical_split: {value}\n").Spaces["lightgbm"];

        Assert.EndsWith("l2_regularization [0, 10]; " + expected, SearchSpaces.Describe(space));
    }

    [Fact]
    public void From_SpecFixesAnOptionOfTheDefaultSpace_NotSearchedAndTrialsKeepIt()
    {
        var plan = ModelsPlan("  - {type: fasttree, options: {learning_rate: 0.05, number_of_leaves: 8}}\n", "");

        Assert.Equal("minimum_example_count_per_leaf int log[2, 100]", SearchSpaces.Describe(plan.Spaces["fasttree"]));
        var options = TrialRunner.Options(RunPreparation.Prepare(Path.Combine(_dir, "models.yaml"), null).Spec, "fasttree",
            new Dictionary<string, string> { ["minimum_example_count_per_leaf"] = "7" });
        Assert.Equal(("0.05", "8", "7"), (options["learning_rate"], options["number_of_leaves"], options["minimum_example_count_per_leaf"]));
    }

    [Fact]
    public void From_SpecRangeNamesAFixedOption_RangeSearched()
    {
        var plan = ModelsPlan("  - {type: fasttree, options: {learning_rate: 0.05}}\n", "  spaces:\n    fasttree:\n      learning_rate: {low: 0.01, high: 0.1, log: true}\n");

        Assert.Equal("number_of_leaves int log[4, 128]; minimum_example_count_per_leaf int log[2, 100]; learning_rate log[0.01, 0.1]",
            SearchSpaces.Describe(plan.Spaces["fasttree"]));
    }

    [Fact]
    public void From_ModelOptionsFixTheWholeSpaceOfAFamilyFromModels_FamilyLeftOut()
    {
        var plan = ModelsPlan("  - {type: linear, options: {l2_regularization: 0.1}}\n  - fasttree\n", "");

        Assert.Equal(["fasttree"], plan.Families);
        Assert.Equal(["fasttree"], plan.Spaces.Keys);
        Assert.Equal(["linear"], plan.NothingToSearch);
    }

    [Fact]
    public void Report_FixedOptionsAndTypesNotSearched_Named()
    {
        var plan = ModelsPlan("  - {type: linear, options: {l2_regularization: 0.1}}\n  - {type: fasttree, options: {learning_rate: 0.05}}\n", "");
        var outcome = new SearchOutcome(plan.Study, "run-1", plan.Metric, plan.HigherIsBetter, plan.PlannedTrials, true, [],
            [new FamilyBudget("fasttree", 2, 2, 0, 0, 120, 3.5, 0.83, 1)], [], "report.html");

        var html = SearchReport.Render(outcome, plan);

        Assert.Contains($"Objective: {plan.Scoring} auc", html);
        Assert.Contains("minimum_example_count_per_leaf int log[2, 100]; fixed by the spec: learning_rate=0.05</td>", html);
        Assert.Contains("Not searched: linear (the options of its model in the spec fix its whole default space", html);
    }

    [Fact]
    public void From_SearchFamiliesNamesAFamilyWithNothingToSearch_ErrorNamesTheFieldAndTheWayOut()
    {
        var e = Assert.Throws<KeelInputException>(() =>
            ModelsPlan("  - {type: linear, options: {l2_regularization: 0.1}}\n  - fasttree\n", "  families: [linear, fasttree]\n"));

        Assert.Contains("models.yaml field 'search.families': 'linear' has nothing to search", e.Message);
        Assert.Contains("search.spaces.linear", e.Message);
    }

    [Fact]
    public void From_EveryFamilyFixed_ErrorSaysNothingIsLeftToSearch()
    {
        var e = Assert.Throws<KeelInputException>(() => ModelsPlan("  - {type: linear, options: {l2_regularization: 0.1}}\n", ""));

        Assert.Contains("models.yaml field 'models': the options of every searched type (linear) fix its whole default space", e.Message);
    }

    [Fact]
    public void Parse_DescribedSpaces_ReadBackKindsChoicesScalesAndConditions()
    {
        var spaces = SearchSpaces.Defaults.Values.Append(new Keel.Search.SearchSpace([.. SearchSpaces.LightGbmCategorical])).ToArray();

        foreach (var space in spaces)
        {
            var parsed = SearchSpaces.Parse(SearchSpaces.Describe(space));
            Assert.Equal(SearchSpaces.Describe(space), SearchSpaces.Describe(parsed));
            Assert.Equal(space.Params.Select(p => (p.Name, p.Distribution.GetType(), p.When)), parsed.Params.Select(p => (p.Name, p.Distribution.GetType(), p.When)));
        }
        var categorical = SearchSpaces.Parse(SearchSpaces.Describe(spaces[^1]));
        Assert.Equal(("false", "37"), (categorical.Params[0].Distribution.Format(1), categorical.Params[1].Distribution.Format(37)));
        Assert.Throws<FormatException>(() => SearchSpaces.Parse("learning_rate 0.1"));
    }

    /// <summary>The plan of a spec over credit_data with <paramref name="models"/> (list items) and <paramref name="search"/> (fields).</summary>
    private SearchPlan ModelsPlan(string models, string search)
    {
        var data = Path.Combine(SearchPipelineTests.Root(), "samples", "credit_data.csv");
        var spec = Path.Combine(_dir, "models.yaml");
        File.WriteAllText(spec, $"data: {{path: {data}, label: Status}}\nmodels:\n{models}search:\n  trials: 2\n{search}");
        return SearchPlan.From(RunPreparation.Prepare(spec, null), new SearchRequest());
    }

    private void AssertNoCategoricalHandling(string specText)
    {
        var spec = Path.Combine(_dir, "lightgbm.yaml");
        File.WriteAllText(spec, specText);

        var space = SearchPlan.From(RunPreparation.Prepare(spec, null), new SearchRequest()).Spaces["lightgbm"];

        Assert.DoesNotContain(space.Params, p => p.Name is "categorical_split" or "minimum_example_count_per_group");
    }

    [Fact]
    public void From_SpecListsFastforest_FastforestSearched()
    {
        var data = Path.Combine(SearchPipelineTests.Root(), "samples", "credit_data.csv");
        var spec = Path.Combine(_dir, "keel.yaml");
        File.WriteAllText(spec, $"data: {{path: {data}, label: Status}}\nmodels:\n  - fastforest\n  - random\nsearch:\n  trials: 2\n");
        Assert.Equal(["fastforest"], SearchPlan.From(RunPreparation.Prepare(spec, null), new SearchRequest()).Families);
        Assert.Equal(["fastforest", "random_forest"], Plan("  families: [fastforest, random_forest]\n").Families);
    }

    [Fact]
    public void StudyOptions_TpeMultivariate_SamplesAsJointTpe()
    {
        var plan = Plan("  sampler: tpe-multivariate\n  seed: 4\n");
        var space = new Keel.Search.SearchSpace([new Keel.Search.ParamSpec("a", new Keel.Search.FloatDistribution(0, 1)),
            new Keel.Search.ParamSpec("b", new Keel.Search.FloatDistribution(0, 1))]);
        var rng = new Random(1);
        var history = Enumerable.Range(0, 30).Select(i =>
        {
            var p = new Dictionary<string, double> { ["a"] = rng.NextDouble(), ["b"] = rng.NextDouble() };
            return new Keel.Core.Search.TrialRecord(i, 1, Keel.Core.Search.TrialState.Complete, "g", p) { Value = Math.Abs(p["a"] - p["b"]) };
        }).ToList();
        IReadOnlyDictionary<string, double> Next(Keel.Search.Samplers.ISampler s) =>
            Keel.Search.Samplers.Sampling.SampleAll(s, space, 30, history, Keel.Search.Direction.Minimize);

        var next = Next(plan.StudyOptions(TimeProvider.System).Sampler);

        Assert.Equal("tpe-multivariate", plan.Sampler);
        Assert.Equal(Next(Keel.Search.SamplerFactory.Tpe(new() { Seed = 4, Multivariate = true })), next);
        Assert.NotEqual(Next(Keel.Search.SamplerFactory.Tpe(new() { Seed = 4 })), next);
    }

    [Fact]
    public void From_Nsga2_PopulationGivenOrOptunasDefault()
    {
        Assert.Equal(("nsga2", 12, "nsga2 (population 12)"), Plan("  sampler: nsga2\n  population: 12\n") is var p ? (p.Sampler, p.Population, p.SamplerText) : default);
        Assert.Equal(50, Plan("  sampler: nsga2\n").Population);
        Assert.Equal((null, "tpe (constant liar)"), Plan("  seed: 1\n") is var t ? (t.Population, t.SamplerText) : default);
    }

    [Theory]
    [InlineData("  pruner: median\n", "median", "median")]
    [InlineData("  pruner: {type: median, warmup: 20, startup: 3}\n", "median", "median (warmup 20, startup 3)")]
    [InlineData("  pruner: {type: percentile, percentile: 25}\n", "percentile", "percentile 25")]
    [InlineData("  pruner: {type: threshold, upper: 0.69}\n", "threshold", "threshold (loss above 0.69)")]
    [InlineData("  pruner: {type: threshold, lower: 0.01, upper: 0.69, warmup: 5}\n", "threshold", "threshold (warmup 5, loss below 0.01, loss above 0.69)")]
    [InlineData("  pruner: {type: patient, patience: 10, min_delta: 0.001, wrapped: median}\n", "patient", "patient 10 (min_delta 0.001), wrapping median")]
    [InlineData("  pruner: {type: hyperband}\n", "hyperband", "hyperband")]
    public void From_PrunerNameOrMapping_TypeAndDescription(string search, string type, string text)
    {
        var plan = Plan(search);

        Assert.Equal((type, text), (plan.Pruner, plan.PrunerText));
        Assert.Equal(text, System.Text.Json.JsonDocument.Parse(plan.DefinitionJson()).RootElement.GetProperty("Pruner").GetString());
    }

    [Theory]
    [InlineData("  pruner: {type: percentile, percentile: 25, startup: 2}\n", 25.0, 2, 10)]
    [InlineData("  pruner: {type: median, warmup: 3}\n", 50.0, 5, 3)]
    public void StudyOptions_PercentilePruner_StopsWhereOptunasRuleDoes(string search, double percentile, int startup, int warmup)
    {
        // The plan's pruner is the percentile pruner with the spec's options (Keel's warm-up default of 10 rounds where not given).
        var pruner = Plan(search).StudyOptions(TimeProvider.System).Pruner;
        var reference = Keel.Search.PrunerFactory.Percentile(percentile, new() { StartupTrials = startup, WarmupSteps = warmup });
        var rng = new Random(3);
        var done = new List<Keel.Core.Search.TrialRecord>();
        var pruned = 0;
        for (var n = 0; n < 40; n++)
        {
            var curve = new Dictionary<int, double>();
            int? mine = null, theirs = null;
            for (var step = 1; step <= 30; step++)
            {
                curve[step] = 0.3 + rng.NextDouble() * 0.4 / step;
                var t = new Keel.Core.Search.TrialRecord(n, 1, Keel.Core.Search.TrialState.Running, "g", new Dictionary<string, double>()) { Intermediate = new Dictionary<int, double>(curve) };
                mine ??= pruner.ShouldPrune(t, step, done) ? step : null;
                theirs ??= reference.ShouldPrune(t, step, done) ? step : null;
            }
            Assert.Equal(theirs, mine);
            if (mine is not null) pruned++;
            done.Add(new Keel.Core.Search.TrialRecord(n, 1, Keel.Core.Search.TrialState.Complete, "g", new Dictionary<string, double>()) { Intermediate = curve, Value = curve[30] });
        }
        Assert.InRange(pruned, 5, 35);
    }

    [Theory]
    [InlineData("  seed: 1\n", "tpe", true, "tpe (constant liar)")]
    [InlineData("  constant_liar: false\n", "tpe", false, "tpe")]
    [InlineData("  sampler: tpe-multivariate\n", "tpe-multivariate", false, "tpe-multivariate")]
    [InlineData("  sampler: tpe-multivariate\n  constant_liar: true\n", "tpe-multivariate", true, "tpe-multivariate (constant liar)")]
    [InlineData("  sampler: random\n", "random", null, "random")]
    [InlineData("  sampler: nsga2\n", "nsga2", null, "nsga2 (population 50)")]
    public void From_ConstantLiar_GivenOrTheSamplersDefault(string search, string sampler, bool? liar, string text)
    {
        var plan = Plan(search);

        Assert.Equal((sampler, liar, text), (plan.Sampler, plan.ConstantLiar, plan.SamplerText));
        Assert.Equal(liar, System.Text.Json.JsonDocument.Parse(plan.DefinitionJson()).RootElement.TryGetProperty("ConstantLiar", out var stored) ? stored.GetBoolean() : null);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("  constant_liar: false\n", false)]
    public void StudyOptions_Tpe_RunningTrialsJoinTheBadSideUnlessTheLieIsOff(string? search, bool lies)
    {
        // 20 complete trials and three running ones: the plan's sampler proposes what TPE with (or without) the lie proposes.
        var plan = Plan("  seed: 4\n" + search);
        var space = new Keel.Search.SearchSpace([new Keel.Search.ParamSpec("a", new Keel.Search.FloatDistribution(0, 1)),
            new Keel.Search.ParamSpec("b", new Keel.Search.FloatDistribution(0, 1))]);
        var rng = new Random(1);
        var history = Enumerable.Range(0, 23).Select(i =>
        {
            var p = new Dictionary<string, double> { ["a"] = rng.NextDouble(), ["b"] = rng.NextDouble() };
            return i < 20 ? new Keel.Core.Search.TrialRecord(i, 1, Keel.Core.Search.TrialState.Complete, "g", p) { Value = Math.Abs(p["a"] - p["b"]) }
                : new Keel.Core.Search.TrialRecord(i, 1, Keel.Core.Search.TrialState.Running, "g", p);
        }).ToList();
        IReadOnlyDictionary<string, double> Next(Keel.Search.Samplers.ISampler s) =>
            Keel.Search.Samplers.Sampling.SampleAll(s, space, 23, history, Keel.Search.Direction.Minimize);

        var next = Next(plan.StudyOptions(TimeProvider.System).Sampler);

        Assert.Equal(Next(Keel.Search.SamplerFactory.Tpe(new() { Seed = 4, ConstantLiar = lies })), next);
        Assert.NotEqual(Next(Keel.Search.SamplerFactory.Tpe(new() { Seed = 4, ConstantLiar = !lies })), next);
    }

    [Fact]
    public void From_TimeoutOnly_NoTrialLimit()
    {
        var plan = Plan("  timeout: 10m\n");
        Assert.Equal((null, TimeSpan.FromMinutes(10)), (plan.PlannedTrials, plan.Timeout));
    }

    [Theory]
    [InlineData("  sampler: bayes\n", "line 3, field 'search.sampler'")]
    [InlineData("  trials: 0\n", "field 'search.trials'")]
    [InlineData("  timeout: soon\n", "field 'search.timeout'")]
    [InlineData("  families: [random]\n", "field 'search.families[0]'")]
    [InlineData("  spaces:\n    lightgbm:\n      learning_rate: {low: 0.3, high: 0.01}\n", "field 'search.spaces.lightgbm.learning_rate'")]
    [InlineData("  spaces:\n    lightgbm:\n      learning_rate: {low: 0.01, high: 2}\n", "field 'search.spaces.lightgbm.learning_rate'")]
    [InlineData("  spaces:\n    lightgbm:\n      nonsense: {low: 1, high: 2}\n", "field 'search.spaces.lightgbm.nonsense'")]
    [InlineData("  families: [linear]\n  spaces:\n    lightgbm:\n      learning_rate: {low: 0.01, high: 0.1}\n", "field 'search.spaces.lightgbm'")]
    [InlineData("  spaces:\n    lightgbm:\n      extra_trees: {choices: [a], when: booster=dart}\n", "search.spaces.lightgbm")]
    [InlineData("  objectives: [auc, speed]\n", "field 'search.objectives[1]'")]
    [InlineData("  objectives: [rmse]\n", "field 'search.objectives[0]'")]
    [InlineData("  enqueue: {family: linear}\n", "line 3, field 'search.enqueue'")]
    [InlineData("  enqueue:\n    - {family: linear}\n", "field 'search.enqueue[0].options'")]
    [InlineData("  enqueue:\n    - {family: linear, options: {l2_regularization: 1}, trial: 3}\n", "search.enqueue[0]")]
    [InlineData("  families: [linear]\n  enqueue:\n    - {family: lightgbm, options: {learning_rate: 0.1}}\n", "field 'search.enqueue[0].family': 'lightgbm' is not searched; the families are linear")]
    [InlineData("  enqueue:\n    - {family: lightgbm, options: {booster: dart}}\n", "field 'search.enqueue[0].options.booster': not a parameter of lightgbm's search space (learning_rate, number_of_leaves")]
    [InlineData("  enqueue:\n    - {family: lightgbm, options: {learning_rate: 0.5}}\n", "field 'search.enqueue[0].options.learning_rate': expected a number in [0.01, 0.3], got '0.5'")]
    [InlineData("  enqueue:\n    - {family: lightgbm, options: {number_of_leaves: 31.5}}\n", "field 'search.enqueue[0].options.number_of_leaves': expected a whole number in [4, 256], got '31.5'")]
    [InlineData("  enqueue:\n    - {family: lightgbm, options: {categorical_split: maybe}}\n", "expected one of true, false, got 'maybe'")]
    [InlineData("  trials: 4\n  enqueue:\n    - {family: linear, options: {l2_regularization: 1}}\n    - {family: linear, options: {l2_regularization: 2}}\n",
        "field 'search.enqueue[1]': it would be linear's trial 2, trial 4 of the study (trial n belongs to family n mod 4), past the budget of 4 trials")]
    [InlineData("  population: 10\n", "line 3, field 'search.population': is NSGA-II's generation size; it needs sampler: nsga2 (the sampler is tpe)")]
    [InlineData("  sampler: nsga2\n  population: 1\n", "line 4, field 'search.population': expected a population of at least 2 (two parents), got 1")]
    [InlineData("  pruner: percentile\n", "line 3, field 'search.pruner': percentile needs its options: write it as {type: percentile, percentile: 25}")]
    [InlineData("  pruner: threshold\n", "line 3, field 'search.pruner': threshold needs its bounds")]
    [InlineData("  pruner: {percentile: 25}\n", "field 'search.pruner.type': missing; expected one of median, percentile, threshold, patient, asha, hyperband, none")]
    [InlineData("  pruner: {type: percentile}\n", "field 'search.pruner.percentile': missing; expected a percentile from 0 to 100")]
    [InlineData("  pruner: {type: percentile, percentile: 120}\n", "field 'search.pruner.percentile': expected a percentile from 0 to 100, got 120")]
    [InlineData("  pruner: {type: asha, warmup: 3}\n", "field 'search.pruner.warmup': is not an option of the asha pruner, which has none")]
    [InlineData("  pruner: {type: median, patience: 3}\n", "field 'search.pruner.patience': is not an option of the median pruner; it takes warmup, startup")]
    [InlineData("  pruner: {type: threshold, warmup: 3}\n", "field 'search.pruner': the threshold pruner needs lower, upper or both")]
    [InlineData("  pruner: {type: threshold, lower: 0.7, upper: 0.6}\n", "field 'search.pruner.lower': expected at most upper (0.6), got 0.7")]
    [InlineData("  pruner: {type: patient}\n", "field 'search.pruner.patience': missing")]
    [InlineData("  pruner: {type: patient, patience: -1}\n", "field 'search.pruner.patience': expected at least 0, got -1")]
    [InlineData("  pruner: {type: patient, patience: 3, wrapped: asha}\n", "field 'search.pruner.wrapped': expected one of median, none, got 'asha'")]
    [InlineData("  pruner: {type: median, warmup: ten}\n", "field 'search.pruner.warmup': expected an integer, got 'ten'")]
    [InlineData("  sampler: random\n  constant_liar: true\n", "line 4, field 'search.constant_liar': is TPE's option for workers sampling at once; it needs sampler: tpe or tpe-multivariate (the sampler is random)")]
    [InlineData("  constant_liar: sometimes\n", "line 3, field 'search.constant_liar'")]
    [InlineData("  start_from_defaults: maybe\n", "line 3, field 'search.start_from_defaults'")]
    [InlineData("  sampler: grid\n  enqueue:\n    - {family: linear, options: {l2_regularization: 1}}\n", "field 'search.enqueue': the grid sampler walks its grid by trial number")]
    public void From_BadField_ErrorNamesField(string search, string expected)
    {
        var e = Assert.ThrowsAny<KeelInputException>(() => Plan(search));
        Assert.Contains(expected, e.Message);
        Assert.Contains("keel.yaml", e.Message);
    }

    [Fact]
    public void From_Enqueue_EachFamilysKthEnqueuedTrialIsItsKthTrial()
    {
        var plan = Plan("  families: [linear, lightgbm]\n  trials: 6\n  enqueue:\n" +
            "    - {family: lightgbm, options: {learning_rate: 0.1, number_of_leaves: 31, categorical_split: FALSE}}\n" +
            "    - {family: linear, options: {l2_regularization: 0.5}}\n" +
            "    - {family: lightgbm, options: {minimum_example_count_per_group: 20}}\n");

        // Trial n belongs to family n mod 2: lightgbm's first and second trials are 1 and 3, linear's first is 0.
        Assert.Equal([0, 1, 3], plan.Enqueued.Keys.Order());
        Assert.Equal(new Dictionary<string, double> { ["learning_rate"] = 0.1, ["number_of_leaves"] = 31, ["categorical_split"] = 1 }, plan.Enqueued[1]);
        Assert.Equal(new Dictionary<string, double> { ["l2_regularization"] = 0.5 }, plan.Enqueued[0]);
        Assert.Equal(plan.Enqueued, plan.StudyOptions(TimeProvider.System).Enqueued);
    }

    [Fact]
    public void From_Default_EachFamilysFirstTrialTrainsItsDefaults()
    {
        var plan = Plan("  seed: 5\n  start_from_defaults: true\n");

        // Trial n belongs to family n mod 4: trials 0-3 are linear's, lightgbm's, fasttree's and random_forest's first, each with the
        // options keel run trains it with (lightgbm's categorical limits as fixed for the training rows).
        Assert.Equal([0, 1, 2, 3], plan.Enqueued.Keys.Order());
        Assert.Equal([0, 1, 2, 3], plan.Defaults.Order());
        Assert.Equal(new Dictionary<string, double> { ["l2_regularization"] = 1 }, plan.Enqueued[0]);
        Assert.Equal(new Dictionary<string, double>
        {
            ["learning_rate"] = 0.05, ["number_of_leaves"] = 31, ["minimum_example_count_per_leaf"] = 20, ["l2_regularization"] = 0,
            ["categorical_split"] = 0, ["minimum_example_count_per_group"] = 100,
        }, plan.Enqueued[1]);
        Assert.Equal(new Dictionary<string, double> { ["learning_rate"] = 0.2, ["number_of_leaves"] = 20, ["minimum_example_count_per_leaf"] = 10 }, plan.Enqueued[2]);
        Assert.Equal(plan.Enqueued, plan.StudyOptions(TimeProvider.System).Enqueued);
        Assert.Contains("\"Defaults\":[0,1,2,3]", plan.DefinitionJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  seed: 5\n")]
    [InlineData("  start_from_defaults: false\n")]
    [InlineData("  sampler: grid\n  families: [linear]\n  spaces: {linear: {l2_regularization: [0.1, 1]}}\n  start_from_defaults: true\n")]
    public void From_StartFromDefaultsOffByDefaultOrGrid_NoTrialEnqueued(string search) => Assert.Empty(Plan(search).Enqueued);

    [Fact]
    public void From_EnqueuedTrialsOfAFamily_ItStartsFromThemTheOthersFromTheirDefaults()
    {
        var plan = Plan("  families: [linear, lightgbm]\n  start_from_defaults: true\n  enqueue:\n    - {family: lightgbm, options: {learning_rate: 0.1}}\n");
        Assert.Equal([0], plan.Defaults);
        Assert.Equal(new Dictionary<string, double> { ["learning_rate"] = 0.1 }, plan.Enqueued[1]);
    }

    [Fact]
    public void From_EnqueueGivesAnOptionTheSpecFixes_ErrorSaysItIsNotSearched()
    {
        var data = Path.Combine(SearchPipelineTests.Root(), "samples", "credit_data.csv");
        var spec = Path.Combine(_dir, "fixed.yaml");
        File.WriteAllText(spec, $"data: {{path: {data}, label: Status}}\nmodels:\n  - {{type: lightgbm, options: {{learning_rate: 0.05}}}}\nsearch:\n" +
            "  enqueue:\n    - {family: lightgbm, options: {learning_rate: 0.1}}\n");

        var e = Assert.Throws<KeelInputException>(() => SearchPlan.From(RunPreparation.Prepare(spec, null), new SearchRequest()));

        Assert.Contains("fixed.yaml field 'search.enqueue[0].options.learning_rate': the spec's lightgbm model fixes it (models), so it is not searched", e.Message);
    }

    [Fact]
    public void From_Objectives_DirectionsInferred()
    {
        var plan = Plan("  objectives: [auc, log_loss, latency, size]\n");

        Assert.Equal([new Keel.Search.Objective("auc", true), new Keel.Search.Objective("log_loss", false), new Keel.Search.Objective("latency", false), new Keel.Search.Objective("size", false)], plan.Objectives);
        Assert.Equal([Keel.Search.Direction.Maximize, Keel.Search.Direction.Minimize, Keel.Search.Direction.Minimize, Keel.Search.Direction.Minimize],
            plan.StudyOptions(TimeProvider.System).Directions);
    }

    [Theory]
    [InlineData("  seed: 5\n", "median", 0)]
    [InlineData("  objectives: [auc]\n", "median", 0)]
    [InlineData("  objectives: [auc, size]\n", "none", 2)]
    [InlineData("  objectives: [auc, size]\n  pruner: asha\n", "asha", 2)]
    public void From_TwoObjectives_NoPrunerUnlessAskedAndTheSamplerGetsTheirDirections(string search, string pruner, int directions)
    {
        // As Optuna, which cannot prune a multi-objective study: a trial stopped for its accuracy may be on the front for its size.
        var plan = Plan(search);

        Assert.Equal((pruner, directions), (plan.Pruner, plan.StudyOptions(TimeProvider.System).Directions.Count));
    }

    [Fact]
    public void From_CommandLineOverrides_ReplaceSpec()
    {
        var plan = Plan("  trials: 10\n", new SearchRequest { Trials = 3, Timeout = TimeSpan.FromSeconds(5) });
        Assert.Equal((3, TimeSpan.FromSeconds(5)), (plan.PlannedTrials, plan.Timeout));
    }

    [Fact]
    public void Rungs_Median_GeometricThenAllRounds() =>
        Assert.Equal([10, 30, 90, 200], Plan("  pruner: median\n").Rungs(200));
}

public sealed class ParameterImportanceTests
{
    private static readonly Dictionary<string, Keel.Search.SearchSpace> Spaces = new()
    {
        ["f"] = new([new("lr", new Keel.Search.FloatDistribution(0.001, 1, Log: true)), new("kind", new Keel.Search.CategoricalDistribution(["a", "b"]))]),
    };

    [Fact]
    public void Compute_ValueFollowsOneParam_ThatParamTakesNearlyAllTheShare()
    {
        var rng = new Random(1);
        var trials = Enumerable.Range(0, 40).Select(i =>
        {
            var lr = Math.Exp(Math.Log(0.001) + rng.NextDouble() * Math.Log(1000));
            var kind = (double)rng.Next(2);
            return new Keel.Core.Search.TrialRecord(i, 1, Keel.Core.Search.TrialState.Complete, "f", new Dictionary<string, double> { ["lr"] = lr, ["kind"] = kind })
            {
                Value = Math.Log10(lr) + 0.01 * rng.NextDouble(),
            };
        }).ToArray();
        var shares = ParameterImportance.Compute(trials, Spaces);
        Assert.Equal(1.0, shares.Sum(s => s.Share), 9);
        Assert.Equal("lr", shares[0].Param);
        Assert.True(shares[0].Share > 0.9, $"lr share {shares[0].Share}");
    }

    [Theory]
    // Expected values from SciPy's one-way F (bench/search/epsilon_squared_fixture.py): ε² = (k − 1)(F − 1) / (F(k − 1) + n − k), floored at 0.
    [InlineData(new[] { 1.0, 2, 3 }, new[] { 4.0, 5, 6 }, null, 0.7142857142857143)]
    [InlineData(new[] { 1.0, 2, 3 }, new[] { 4.0, 5, 6 }, new[] { 2.5, 3.5, 9, 1 }, 0.04631083202511775)]
    [InlineData(new[] { 0.80, 0.81 }, new[] { 0.82, 0.79 }, new[] { 0.80, 0.83 }, 0.0)]
    public void EpsilonSquared_Groups_AsFromScipysOneWayF(double[] a, double[] b, double[]? c, double expected)
    {
        double[][] groups = c is null ? [a, b] : [a, b, c];
        Assert.Equal(expected, ParameterImportance.EpsilonSquared(groups)!.Value, 12);
    }

    [Fact]
    public void Compute_FiveTrialsOfNoise_NoParameterLooksImportant()
    {
        // Values drawn at random around 0.83: plain η² gives lr's 4 bins of 5 trials 0.74 of the variance (and the booster-like kind
        // 0.07), which the old shares showed as lr 0.91; ε² corrects for the bins' degrees of freedom and leaves both at 0.
        var values = new[] { 0.8293, 0.8306, 0.8298, 0.8292, 0.8298 };
        var lrs = new[] { 0.3, 0.01, 0.05, 0.2, 0.002 };
        var trials = values.Select((v, i) => new Keel.Core.Search.TrialRecord(i, 1, Keel.Core.Search.TrialState.Complete, "f",
            new Dictionary<string, double> { ["lr"] = lrs[i], ["kind"] = i % 2 }) { Value = v }).ToArray();

        Assert.Empty(ParameterImportance.Compute(trials, Spaces));
    }

    [Fact]
    public void Compute_FewerThanFourComplete_NoShares() =>
        Assert.Empty(ParameterImportance.Compute([new(0, 1, Keel.Core.Search.TrialState.Complete, "f", new Dictionary<string, double> { ["lr"] = 0.1, ["kind"] = 0 }) { Value = 1 }], Spaces));
}
