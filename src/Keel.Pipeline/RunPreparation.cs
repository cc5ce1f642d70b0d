using Keel.Pipeline.Spec;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Core.Spec;
using Keel.Data;
using Keel.Evaluation;
using Keel.Training;

namespace Keel.Pipeline;

/// <summary>A candidate ready to train: its spec and its configured trainer.</summary>
public sealed record Candidate(ModelSpec Spec, ITrainer Trainer)
{
    public string Name => Spec.DisplayName;
}

/// <summary>Everything a run needs, checked before the store is touched: a bad input stops here and leaves the store unchanged.</summary>
public sealed record PreparedRun(
    KeelSpec Spec,
    string SpecPath,
    string SpecText,
    LoadedTable Data,
    Table Table,
    Table Features,
    LabelInfo Label,
    SplitStrategy Strategy,
    SplitResult Split,
    string Metric,
    IReadOnlyList<Candidate> Candidates,
    string Experiment,
    string ModelName,
    int Seed)
{
    public TaskKind Task => Label.Task;

    /// <summary>Date parts to make per date-time feature column (the time column's data.time_features). Default: none chosen, every part.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DateParts { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The context every fit of this run gets: seed, data name, date parts and the spec's features section.</summary>
    /// <param name="cache">Featurised matrices shared between fits; null featurises afresh.</param>
    public TrainContext Context(Keel.Training.Featurization.FeatureCache? cache = null) =>
        new(Seed, Path.GetFileName(Data.Path), DateParts) { Features = cache, Engineering = Spec.Features };

    /// <summary>Raw values read as missing (the defaults plus data.missing), recorded in every model package. Default: the defaults.</summary>
    public IReadOnlyList<string> MissingTokens { get; init; } = new ReadOptions().MissingTokens;

    /// <summary>Tags added to the run's own (e.g. the search run a final run comes from). Default: none.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The final run of a search: the search run and its report, which this run's report links to. Default null.</summary>
    public Keel.Reports.SearchLink? Search { get; init; }
    /// <summary>The sample drawn by data.sample (sizes, seed), or null when the run uses every row. Default null.</summary>
    public Keel.Data.Sampling.SampleOutcome? Sample { get; init; }

    /// <summary>What the data checks found before training (integrity, data.contract, leakage). Default: none run.</summary>
    public DataChecks Checks { get; init; } = DataChecks.None;

    /// <summary>data.weight's value per row of <see cref="Table"/>, or null without data.weight (every row weighs 1). Default null.</summary>
    public double[]? Weights { get; init; }
    /// <summary>Rows with an empty label, for the spec's labels section (weak labels, self-training); training rows only. Default null.</summary>
    public Labels.UnlabelledPool? Pool { get; init; }
    /// <summary>How candidates are compared: cv folds over the training rows, or the validation split. Default: validation.</summary>
    public SelectionPlan Selection { get; init; } = SelectionPlan.Validation("default");
    /// <summary>Whether a cv run offers the out-of-fold ensemble of its non-baseline candidates (<see cref="OutOfFoldEnsemble"/>): for the
    /// default candidates (the spec lists no models), and for a search's final run over the tuned families. Default false.</summary>
    public bool OffersEnsemble { get; init; }
}

/// <summary>Reads the spec and the data, validates every field against the data, and computes the split.</summary>
public static class RunPreparation
{
    public static PreparedRun Prepare(string specPath, int? seedOverride) => Prepare(specPath, seedOverride, null);

    /// <summary>As <see cref="Prepare(string, int?)"/>, with <paramref name="select"/> replacing the table read from data.path (e.g. a
    /// retraining's data window); it receives the spec, the table read and the read options.</summary>
    public static PreparedRun Prepare(string specPath, int? seedOverride, Func<KeelSpec, LoadedTable, ReadOptions, LoadedTable>? select)
    {
        var (spec, specText) = SpecReader.ReadFile(specPath);
        if (seedOverride is { } s) spec = spec with { Seed = s };
        return Prepare(spec, specText, specPath, select);
    }

    /// <summary>Prepares a parsed spec; <paramref name="specPath"/> names it in errors and anchors its relative paths
    /// (<c>keel evaluate</c> prepares a run's stored spec this way, with its data path made absolute).</summary>
    /// <remarks>An optional <c>select</c> replaces the table read from data.path, as in the spec-path overload.</remarks>
    public static PreparedRun Prepare(KeelSpec spec, string specText, string specPath, Func<KeelSpec, LoadedTable, ReadOptions, LoadedTable>? select = null)
    {
        var specName = Path.GetFileName(specPath);
        var dir = Path.GetDirectoryName(Path.GetFullPath(specPath))!;
        var dataPath = Path.GetFullPath(Path.Combine(dir, spec.Data.Path));
        if (!File.Exists(dataPath))
            throw new KeelInputException($"{specName} field 'data.path': the file '{dataPath}' does not exist.");

        var defaults = new ReadOptions();
        IReadOnlyList<string> missingTokens = [.. defaults.MissingTokens, .. spec.Data.Missing.Except(defaults.MissingTokens, StringComparer.Ordinal)];
        var read = defaults with
        {
            Format = spec.Data.Format,
            Types = spec.Data.Types,
            MissingTokens = missingTokens,
            Encoding = spec.Data.Encoding,
            Delimiter = spec.Data.Delimiter,
            Decimal = spec.Data.Decimal,
        };
        var (data, sample) = spec.Data.Sample is { } sampleSpec
            ? ReadSample(spec, sampleSpec, specName, dataPath, read)
            : (ReadWithContract(spec, specName, dir, dataPath, read), null);
        if (select is not null) data = select(spec, data, read);
        var source = Path.GetFileName(dataPath);
        RequireColumns(data.Table, specName, spec);
        var label = LabelEncoding.Encode(data.Table, spec.Data.Label, spec.Data.Task, spec.Data.PositiveClass, source);
        var table = label.KeptRows.Length == data.Table.RowCount ? data.Table : data.Table.Take(label.KeptRows);
        var features = table.Drop(NotFeatures(spec));
        var weights = TrainingWeights.Read(spec, specName, table, label, source);
        if (features.Columns.Count == 0)
            throw new KeelInputException($"{specName} field 'data.ignore': no feature columns are left once the label, ignored and split columns are removed.");
        var dateParts = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (spec.Data.TimeFeatures.Count > 0)
        {
            if (table[spec.Data.TimeColumn!].Type != ColumnType.DateTime)
                throw new KeelInputException($"{specName} field 'data.time_features': the time column '{spec.Data.TimeColumn}' is {table[spec.Data.TimeColumn!].Type.ToString().ToLowerInvariant()}, so it has no date parts; expected a datetime column (set data.types.{spec.Data.TimeColumn}: datetime).");
            dateParts[spec.Data.TimeColumn!] = spec.Data.TimeFeatures;
        }

        var metric = spec.Metric ?? MetricCatalog.DefaultFor(label.Task);
        if (!MetricCatalog.All.TryGetValue(metric, out var info) || !info.Tasks.Contains(label.Task))
        {
            var fitting = string.Join(", ", MetricCatalog.All.Values.Where(x => x.Tasks.Contains(label.Task)).Select(x => x.Name));
            var problem = info is null ? $"unknown metric '{metric}'" : $"'{metric}' does not apply to a {Lower(label.Task)} task";
            throw new KeelInputException($"{specName} field 'metric': {problem}; expected one of: {fitting}.");
        }

        var models = spec.Models.Count > 0 ? spec.Models : TrainerCatalog.DefaultCandidates(label.Task, table.RowCount);
        for (var i = 0; i < models.Count; i++)
            Names.RequireCandidateName(models[i].DisplayName, $"{specName} field 'models[{i}].{(models[i].Name is null ? "type" : "name")}'");
        var candidates = models.Select((ms, i) => new Candidate(ms, TrainerCatalog.Create(ms, label.Task, i))).ToArray();
        TrainingWeights.Validate(spec, specName, label, candidates);
        try
        {
            Gates.Parse(spec.Register.Gates, candidates.Select(c => c.Name).ToArray(), label.Task, EvaluationOptions(spec));
        }
        catch (KeelInputException e)
        {
            throw new KeelInputException($"{specName} field {e.Message}", e);
        }
        if (spec.Register.Alias is { } alias) Names.RequireAlias(alias, $"{specName} field 'register.alias'");
        var (experiment, modelName) = RunNames(spec, specName, dataPath);

        var (strategy, split) = MakeSplit(spec, specName, dir, table, label);
        (var selection, split) = SelectionPlan.Choose(spec, specName, table, label, strategy, split, candidates.Length, metric);
        if (selection.Mode == SelectionMode.Validation && split.Validation.Length == 0 && candidates.Length > 1)
            throw new KeelInputException($"{specName} field 'split.validation_fraction': the validation split is empty, but {candidates.Length} models need one to choose between (the test split is never used for choosing).");
        if (candidates.Length > 1 && selection.Mode == SelectionMode.Validation) RequireMetricOnValidation(specName, metric, label, split);
        if (spec.Imbalance is { } imbalance)
        {
            if (label.Task == TaskKind.Regression)
                throw new KeelInputException($"{specName} field 'imbalance': rebalancing needs classes, but the task is regression; remove the imbalance section.");
            var categorical = features.Columns.Where(c => c.Type == ColumnType.Categorical).Select(c => $"'{c.Name}'").ToArray();
            if (imbalance.Method == "smote" && categorical.Length > 0)
                throw new KeelInputException($"{specName} field 'imbalance.method': smote interpolates numbers, but {string.Join(", ", categorical)} {(categorical.Length == 1 ? "is" : "are")} categorical; use smote_nc.");
        }
        foreach (var (column, _) in spec.Augment?.Swaps ?? new Dictionary<string, IReadOnlyDictionary<string, string>>())
        {
            if (!features.Contains(column) || features[column].Type != ColumnType.Categorical)
                throw new KeelInputException($"{specName} field 'augment.swaps.{column}': expected a categorical feature column; categorical features are: {string.Join(", ", features.Columns.Where(c => c.Type == ColumnType.Categorical).Select(c => c.Name))}.");
        }
        RequireDecisionInputs(specName, spec, label.Task, split);
        FeatureStep.Validate(spec, specName, features, split.Train.Length);
        RequireLearningCurveInputs(specName, spec, split);
        // Tags are resolved once here so a bad column or rule stops the run before any training.
        if (spec.Evaluation.Tags.Count > 0) TagResolver.Resolve(spec.Evaluation.Tags, table, i => $"{specName} field 'evaluation.tags[{i}]'", source);

        var checks = DataCheckStep.Before(spec, specName, dir, data, read, table, features, label, split);
        var pool = Labels.UnlabelledPool.Build(spec, specName, dir, data.Table, label, t => t.Drop(NotFeatures(spec)), source);

        var prepared = new PreparedRun(spec, Path.GetFullPath(specPath), specText, data, table, features, label,
            strategy, split, metric, candidates, experiment, modelName, spec.Seed) { DateParts = dateParts, MissingTokens = missingTokens, Checks = checks, Sample = sample, Weights = weights, Pool = pool, Selection = selection, OffersEnsemble = spec.Models.Count == 0 };
        BehaviourStep.Validate(prepared, specName);
        return prepared;
    }

    /// <summary>Draws data.sample's rows into a temporary file (keel sample's algorithms, so `keel sample` with the same strategy, size
    /// and seed writes the same rows) and reads them; the data keeps the source file's path, hash and size as its version.</summary>
    private static (LoadedTable, Keel.Data.Sampling.SampleOutcome) ReadSample(KeelSpec spec, SampleSpec sample, string specName, string dataPath, ReadOptions read)
    {
        if (spec.Split.Predefined?.TestRows is not null)
            throw new KeelInputException($"{specName} field 'data.sample': cannot be combined with split.predefined.test_rows, whose row numbers name rows of the whole file; use split.predefined.column instead.");
        // The sample is written in the data's own format (keel sample's rule), and read back as that format.
        var format = TableReader.ResolveFormat(dataPath, read.Format);
        var temp = Path.Combine(Path.GetTempPath(), $"keel-sample-{Guid.NewGuid():N}.{format}");
        try
        {
            var outcome = Keel.Data.Sampling.Sampler.Run(new Keel.Data.Sampling.SampleRequest
            {
                Input = dataPath,
                Output = temp,
                Strategy = Enum.Parse<Keel.Data.Sampling.SampleStrategy>(sample.Strategy, ignoreCase: true),
                N = sample.N,
                By = sample.By,
                WeightColumn = sample.WeightColumn,
                ClassRates = sample.ClassRates,
                Seed = sample.Seed ?? spec.Seed,
                Read = read,
                OptionPrefix = "data.sample.",
            });
            var data = TableReader.Read(temp, read with { Format = format });
            using var file = File.OpenRead(dataPath);
            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));
            return (data with { Path = dataPath, Sha256 = sha, Bytes = file.Length }, outcome with { Input = dataPath, Output = "" });
        }
        catch (KeelInputException e)
        {
            throw new KeelInputException($"{specName} field 'data.sample': {e.Message}", e);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Reads the data; with data.contract, a read error (a column with stray tokens) becomes the contract's row-by-row verdict.</summary>
    private static LoadedTable ReadWithContract(KeelSpec spec, string specName, string dir, string dataPath, ReadOptions read)
    {
        try
        {
            return TableReader.Read(dataPath, read);
        }
        catch (KeelInputException) when (spec.Data.Contract is not null)
        {
            var text = TableReader.Read(dataPath, read with { AsText = true });
            DataCheckStep.EnforceContract(spec, specName, dir, text, read);
            throw;
        }
    }

    /// <summary>Columns that are not model inputs: the label, ignored columns, and the columns that describe the split
    /// (predefined split column, group column, and the time column unless data.time_features asks for its date parts).</summary>
    private static IEnumerable<string> NotFeatures(KeelSpec spec)
    {
        yield return spec.Data.Label;
        foreach (var c in spec.Data.Ignore) yield return c;
        if (spec.Split.Predefined?.Column is { } split) yield return split;
        if (spec.Data.GroupColumn is { } group) yield return group;
        if (spec.Data.TimeColumn is { } time && spec.Data.TimeFeatures.Count == 0) yield return time;
        if (spec.Data.Weight is { } weight) yield return weight;
    }

    /// <summary>The experiment and registered model names, checked now so that a bad name never reaches the store.</summary>
    private static (string Experiment, string Model) RunNames(KeelSpec spec, string specName, string dataPath)
    {
        string experiment;
        if (spec.Experiment is { } e)
        {
            Names.RequireExperimentName(e, $"{specName} field 'experiment'");
            experiment = e;
        }
        else experiment = Names.DefaultExperiment(dataPath);
        if (spec.Register.Name is { } name)
        {
            Names.RequireModelName(name, $"{specName} field 'register.name'");
            return (experiment, name);
        }
        return (experiment, Names.Slug(experiment));
    }

    /// <summary>Candidates are chosen by the metric on validation: a metric that needs every class must find them there,
    /// or no candidate could be chosen after all the training.</summary>
    private static void RequireMetricOnValidation(string specName, string metric, LabelInfo label, SplitResult split)
    {
        if (label.Labels.ClassIndices is not { } classes || metric is not ("auc" or "pr_auc" or "auc_ovr_macro")) return;
        var present = split.Validation.Select(r => classes[r]).Distinct().Order().ToArray();
        var names = label.Labels.Classes;
        if (present.Length == names.Count) return;
        var missing = string.Join(", ", Enumerable.Range(0, names.Count).Except(present).Select(i => $"'{names[i]}'"));
        throw new KeelInputException(
            $"{specName} field 'metric': {metric} is undefined on the validation split, whose {split.Validation.Length} rows hold no {missing}, so no candidate could be chosen; " +
            $"expected validation rows of every class (a larger split.validation_fraction, or split.strategy stratified) or a metric such as {(label.Task == TaskKind.Binary ? "log_loss" : "macro_f1")}.");
    }

    /// <summary>The learning curve measures the validation metric, so it needs validation rows.</summary>
    private static void RequireLearningCurveInputs(string specName, KeelSpec spec, SplitResult split)
    {
        if (spec.Evaluation.LearningCurve && split.Validation.Length == 0)
            throw new KeelInputException($"{specName} field 'evaluation.learning_curve': it measures the selected candidate on the validation split, which is empty; expected split.validation_fraction above 0.");
    }

    /// <summary>A stored calibration or threshold is fitted on validation rows of a binary task.</summary>
    private static void RequireDecisionInputs(string specName, KeelSpec spec, TaskKind task, SplitResult split)
    {
        var e = spec.Evaluation;
        var field = e.Threshold is not null ? "evaluation.threshold" : "evaluation.calibrate";
        if (e.Threshold is null && e.Calibrate is null) return;
        if (task != TaskKind.Binary && e.Threshold is not null)
            throw new KeelInputException($"{specName} field '{field}': a decision threshold needs a binary task, but the task is {Lower(task)}.");
        if (task == TaskKind.Binary && split.Validation.Length == 0)
            throw new KeelInputException($"{specName} field '{field}': it is fitted on the validation split, which is empty; expected split.validation_fraction above 0.");
    }

    /// <summary>The evaluation options of a spec, with the run's seed behind the bootstrap.</summary>
    public static EvaluationOptions EvaluationOptions(KeelSpec spec) => new()
    {
        Slices = spec.Evaluation.Slices,
        Sensitive = spec.Evaluation.Sensitive,
        Calibrate = spec.Evaluation.Calibrate,
        Coverage = spec.Evaluation.Coverage,
        MinSliceRows = spec.Evaluation.MinSliceRows,
        Bootstrap = new Keel.Evaluation.Uncertainty.BootstrapOptions { Resamples = spec.Evaluation.Bootstrap, Seed = (ulong)spec.Seed },
    };

    private static void RequireColumns(Table table, string specName, KeelSpec spec)
    {
        var d = spec.Data;
        void Need(string? column, string field)
        {
            if (column is not null && !table.Contains(column))
                throw new KeelInputException($"{specName} field '{field}': the data has no column '{column}'; {ColumnNames.Hint(column, table)}.");
        }
        for (var i = 0; i < d.Ignore.Count; i++) Need(d.Ignore[i], $"data.ignore[{i}]");
        Need(d.TimeColumn, "data.time_column");
        Need(d.GroupColumn, "data.group_column");
        for (var i = 0; i < spec.Evaluation.Slices.Count; i++) Need(spec.Evaluation.Slices[i], $"evaluation.slices[{i}]");
        for (var i = 0; i < spec.Evaluation.Sensitive.Count; i++) Need(spec.Evaluation.Sensitive[i], $"evaluation.sensitive[{i}]");
        foreach (var column in d.AvailableAt.Keys) Need(column, $"data.available_at.{column}");
        if (d.Ignore.Contains(d.Label))
            throw new KeelInputException($"{specName} field 'data.ignore': the label column '{d.Label}' cannot be ignored.");
    }

    private static (SplitStrategy, SplitResult) MakeSplit(KeelSpec spec, string specName, string dir, Table table, LabelInfo label)
    {
        var s = spec.Split;
        var strategy = s.Strategy ?? (label.Task == TaskKind.Regression ? SplitStrategy.Random : SplitStrategy.Stratified);
        if (strategy == SplitStrategy.Stratified && label.Task == TaskKind.Regression)
            throw new KeelInputException($"{specName} field 'split.strategy': stratified needs classes, but the task is regression; expected random, time, group or predefined.");
        if (strategy == SplitStrategy.Time && spec.Data.TimeColumn is null)
            throw new KeelInputException($"{specName} field 'data.time_column': split strategy 'time' needs the column that orders rows in time.");
        if (strategy == SplitStrategy.Group && spec.Data.GroupColumn is null)
            throw new KeelInputException($"{specName} field 'data.group_column': split strategy 'group' needs the column whose values must not straddle splits.");

        IReadOnlyList<int>? testRows = null;
        if (s.Predefined?.TestRows is { } rowsFile)
        {
            // Indices name rows of the file; rows dropped for a missing label are skipped, the rest renumbered.
            var fileRows = SplitFiles.ReadRowIndices(Path.GetFullPath(Path.Combine(dir, rowsFile)), label.KeptRows.Length + label.DroppedMissing);
            var position = new Dictionary<int, int>(label.KeptRows.Length);
            for (var i = 0; i < label.KeptRows.Length; i++) position[label.KeptRows[i]] = i;
            testRows = fileRows.Where(position.ContainsKey).Select(r => position[r]).ToArray();
        }
        if (s.Predefined?.Column is { } pc && !table.Contains(pc))
            throw new KeelInputException($"{specName} field 'split.predefined.column': the data has no column '{pc}'.");

        var request = new SplitRequest
        {
            Strategy = strategy,
            TestFraction = s.TestFraction,
            ValidationFraction = s.ValidationFraction,
            Seed = s.Seed ?? spec.Seed,
            StratifyBy = label.Task == TaskKind.Regression ? null : label.Labels.ClassIndices,
            TimeColumn = spec.Data.TimeColumn is { } tc ? table[tc] : null,
            GroupColumn = spec.Data.GroupColumn is { } gc ? table[gc] : null,
            PredefinedTestRows = testRows,
            PredefinedColumn = s.Predefined?.Column is { } col ? table[col] : null,
            SourceName = specName,
        };
        return (strategy, Splitter.Split(table.RowCount, request));
    }

    public static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
