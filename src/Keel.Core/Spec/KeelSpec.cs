using Keel.Core.Data;

namespace Keel.Core.Spec;

/// <summary>A whole keel.yaml: what data to learn from, how to split it, which models to try, how to pick and register.</summary>
public sealed record KeelSpec
{
    /// <summary>Experiment name the run is tracked under. Default: the data file's name without extension.</summary>
    public string? Experiment { get; init; }

    /// <summary>The data section (required).</summary>
    public required DataSpec Data { get; init; }

    /// <summary>How rows are split into train, validation and test. Default: see <see cref="SplitSpec"/>.</summary>
    public SplitSpec Split { get; init; } = new();

    /// <summary>Candidates and baselines to train. Default (empty): the default candidate list for the task.</summary>
    public IReadOnlyList<ModelSpec> Models { get; init; } = [];

    /// <summary>Selection metric, judged on the validation split. Default: auc (binary), macro_f1 (multiclass), rmse (regression).</summary>
    public string? Metric { get; init; }

    /// <summary>Registration of the selected model. Default: see <see cref="RegisterSpec"/>.</summary>
    public RegisterSpec Register { get; init; } = new();

    /// <summary>The evaluation beyond averages on test. Default: see <see cref="EvaluationSpec"/>.</summary>
    public EvaluationSpec Evaluation { get; init; } = new();

    /// <summary>Hyper-parameter search (`keel search`); ignored by `keel run`. Default: none (built-in search defaults).</summary>
    public SearchSpec? Search { get; init; }

    /// <summary>Seed for everything random in the run (split, trainers). Default 42; split.seed overrides for the split.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Rebalancing of the training rows (never validation or test). Default: none.</summary>
    public ImbalanceSpec? Imbalance { get; init; }

    /// <summary>Label-preserving perturbed copies of the training rows (never validation or test). Default: none.</summary>
    public AugmentSpec? Augment { get; init; }

    /// <summary>Feature engineering (imputation, scaling, bins, encodings, crosses, date parts). Default: none, Keel's defaults.</summary>
    public FeaturesSpec? Features { get; init; }
    /// <summary>Labels when there are few: weak labels and self-training for rows whose label is empty (training rows only). Default: none,
    /// and rows with an empty label are dropped.</summary>
    public LabelsSpec? Labels { get; init; }

    /// <summary>What leakage findings do: warn (reported), error (any finding fails the run) or off (not checked). Default warn.</summary>
    public CheckMode Leakage { get; init; } = CheckMode.Warn;

    /// <summary>What the integrity checks of the table do: warn (reported), error (a finding of warning severity or worse fails the run)
    /// or off (not run, e.g. to save their cost on a large table already validated with keel validate). Default warn.</summary>
    public CheckMode Integrity { get; init; } = CheckMode.Warn;
}

/// <summary>The imbalance section: how training rows are rebalanced.</summary>
public sealed record ImbalanceSpec
{
    /// <summary>oversample, undersample, smote, smote_nc or tomek. Default null: no resampling (class_weight alone). One of Method and
    /// <see cref="ClassWeight"/> is required.</summary>
    public string? Method { get; init; }

    /// <summary>Per-class weights of the training rows, honoured by the trainers that take example weights. Default null: none.</summary>
    public ClassWeightSpec? ClassWeight { get; init; }

    /// <summary>Neighbours of smote and smote_nc. Default 5.</summary>
    public int K { get; init; } = 5;

    /// <summary>Seed of the draws. Default null: the spec's seed.</summary>
    public int? Seed { get; init; }
}

/// <summary>imbalance.class_weight: <c>balanced</c> (n_rows / (n_classes · rows of the class), as scikit-learn, counted on the training
/// rows) or a weight per class.</summary>
/// <param name="Balanced">Whether the weights are computed as balanced.</param>
/// <param name="Given">The weight of each class when given (classes not named weigh 1); empty when balanced.</param>
public sealed record ClassWeightSpec(bool Balanced, IReadOnlyDictionary<string, double> Given);

/// <summary>The augment section: perturbed copies of the training rows.</summary>
public sealed record AugmentSpec
{
    /// <summary>Copies per training row. Default 1.</summary>
    public int Copies { get; init; } = 1;

    /// <summary>Uniform noise within ± this fraction of a numeric column's standard deviation. Default 0.05.</summary>
    public double Noise { get; init; } = 0.05;

    /// <summary>Per categorical column, values replaced in the copies. Default: none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Swaps { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Seed of the noise. Default null: the spec's seed.</summary>
    public int? Seed { get; init; }
}

/// <summary>The labels section: what a run does with rows whose label is empty (the unlabelled pool). They only ever join training
/// rows; validation and test are drawn from labelled rows alone.</summary>
public sealed record LabelsSpec
{
    /// <summary>A labelling-function file (keel label weak's format): pool rows get the label model's label. Default: none.</summary>
    public string? Weak { get; init; }

    /// <summary>Weak labels below this probability are left out. Default 0 (every covered row).</summary>
    public double MinConfidence { get; init; }

    /// <summary>Self-training on the pool that is left: rounds of fit, predict, add rows predicted with at least the threshold. Default: none.</summary>
    public SelfTrainingSpec? SelfTraining { get; init; }
}

/// <summary>Self-training's settings.</summary>
public sealed record SelfTrainingSpec
{
    /// <summary>A pool row is added with its predicted class when that class's probability is at least this. Default 0.9.</summary>
    public double Threshold { get; init; } = 0.9;

    /// <summary>Most rounds of fit and add. Default 5.</summary>
    public int Iterations { get; init; } = 5;
}

/// <summary>What a kind of data check does in a run.</summary>
public enum CheckMode
{
    /// <summary>Run and report.</summary>
    Warn,
    /// <summary>Run; any finding fails the run.</summary>
    Error,
    /// <summary>Not run.</summary>
    Off,
}

/// <summary>The data section of a spec.</summary>
public sealed record DataSpec
{
    /// <summary>Path to the table, relative to the spec file's folder.</summary>
    public required string Path { get; init; }

    /// <summary>csv, jsonl or parquet. Default: chosen by the file extension.</summary>
    public string? Format { get; init; }

    /// <summary>The label (target) column (required).</summary>
    public required string Label { get; init; }

    /// <summary>binary, multiclass or regression. Default: inferred from the label column.</summary>
    public TaskKind? Task { get; init; }

    /// <summary>For binary tasks, the label value treated as positive. Default: the second class in sorted order.</summary>
    public string? PositiveClass { get; init; }

    /// <summary>Columns that are not features (ids, free notes). Default: none.</summary>
    public IReadOnlyList<string> Ignore { get; init; } = [];

    /// <summary>The column ordering rows in time (used by split: time); it is not a feature unless <see cref="TimeFeatures"/> names date parts. Default: none.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>Date parts of the time column used as features: month, day, dayofweek, dayofyear, hour, minuteofday (never year or raw time,
    /// which extrapolate beyond the training period). Default: none, so the time column is not a feature.</summary>
    public IReadOnlyList<string> TimeFeatures { get; init; } = [];

    /// <summary>The column whose values must not straddle splits (used by split: group); never a feature. Default: none.</summary>
    public string? GroupColumn { get; init; }

    /// <summary>Column type overrides (name → type); columns not named are inferred.</summary>
    public IReadOnlyDictionary<string, ColumnType> Types { get; init; } = new Dictionary<string, ColumnType>();

    /// <summary>Raw values read as missing in addition to the defaults ("", NA, N/A, null, NULL, NaN). Default: none.</summary>
    public IReadOnlyList<string> Missing { get; init; } = [];

    /// <summary>Text encoding of CSV and JSON lines files (utf-8, latin1, windows-1252, ...). Default null: UTF-8, checked strictly.</summary>
    public string? Encoding { get; init; }

    /// <summary>CSV field delimiter: comma, semicolon, tab or pipe. Default null: detected from the header line (tab for .tsv).</summary>
    public string? Delimiter { get; init; }

    /// <summary>Decimal mark of numbers in CSV and JSON Lines text: point or comma. Default null: comma for semicolon-delimited CSV, else point.</summary>
    public string? Decimal { get; init; }

    /// <summary>A data contract file (relative to the spec) the data must meet: errors fail the run, warnings are reported. Default: none.</summary>
    public string? Contract { get; init; }

    /// <summary>Rows drawn from the file before anything else (the run sees only them); sizes and seed are recorded. Default: none, every row.</summary>
    public SampleSpec? Sample { get; init; }

    /// <summary>A column of per-row weights (e.g. keel sample's sample_weight): never a feature; the trainers weight training rows by it
    /// and validation and test metrics are weighted (scikit-learn's sample_weight). Default: none, every row weighs 1.</summary>
    public string? Weight { get; init; }

    /// <summary>When each listed column becomes known: at_prediction or after_label (a leak if used as a feature). Default: none listed.</summary>
    public IReadOnlyDictionary<string, string> AvailableAt { get; init; } = new Dictionary<string, string>();
}

/// <summary>data.sample: which rows of the file a run uses (see keel sample).</summary>
public sealed record SampleSpec
{
    /// <summary>random, stratified, weighted, reservoir or importance (required).</summary>
    public required string Strategy { get; init; }

    /// <summary>Rows to draw; required except for weighted with class rates. Default null.</summary>
    public long? N { get; init; }

    /// <summary>The class column (stratified; weighted with class rates). Default null.</summary>
    public string? By { get; init; }

    /// <summary>A column of row weights (weighted, importance). Default null.</summary>
    public string? WeightColumn { get; init; }

    /// <summary>Per-class keep rates (weighted with by). Default null.</summary>
    public IReadOnlyDictionary<string, double>? ClassRates { get; init; }

    /// <summary>Seed of the draw. Default null: the spec's seed.</summary>
    public int? Seed { get; init; }
}

/// <summary>How rows are assigned to train, validation and test.</summary>
public enum SplitStrategy
{
    /// <summary>Uniformly at random.</summary>
    Random,
    /// <summary>At random, keeping each label class's share equal across splits (classification only).</summary>
    Stratified,
    /// <summary>Ordered by data.time_column: the oldest rows train, the newest test.</summary>
    Time,
    /// <summary>At random by data.group_column value: all rows of a group land in one split.</summary>
    Group,
    /// <summary>The test rows are given by a file of row indices or by a column.</summary>
    Predefined,
}

/// <summary>The split section of a spec.</summary>
public sealed record SplitSpec
{
    /// <summary>Strategy. Default (null): stratified for classification, random for regression.</summary>
    public SplitStrategy? Strategy { get; init; }

    /// <summary>Share of all rows held out for the test split. Default 0.2.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Share of the non-test rows held out for validation (model selection). Default 0.2.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Seed for the split. Default: the spec's seed.</summary>
    public int? Seed { get; init; }

    /// <summary>For strategy predefined: where the test rows come from.</summary>
    public PredefinedSplitSpec? Predefined { get; init; }

    /// <summary>Whether the selected model is refitted on train + validation before it is tested and registered. Default true.</summary>
    public bool Refit { get; init; } = true;

    /// <summary>How candidates are compared. Default (null): cross-validation when the run can afford it (see docs/spec.md), else validation.</summary>
    public SelectionMode? Selection { get; init; }

    /// <summary>Number of cross-validation folds when selection is cv. Default 5.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Which of the candidates within noise of the best (cv only) is chosen. Default <see cref="TieBreak.Simplest"/>.</summary>
    public TieBreak Ties { get; init; } = TieBreak.Simplest;
}

/// <summary>How a cv run chooses among candidates within noise of the best (docs/spec.md, "Noise ties").</summary>
public enum TieBreak
{
    /// <summary>The simplest, faster or smaller of the tied candidates (the noise-tie rule): accuracy within noise traded for latency and size.</summary>
    Simplest,
    /// <summary>The best by fold mean; the tie is still reported.</summary>
    Best,
}

/// <summary>How the candidates of a run are compared (never on the test split).</summary>
public enum SelectionMode
{
    /// <summary>k-fold cross-validation over all training rows (train + validation); the chosen candidate is refitted on them all.</summary>
    Cv,
    /// <summary>One validation split carved from the training rows.</summary>
    Validation,
}

/// <summary>A predefined test split: either a file of 0-based row indices (one per line) or a column.</summary>
public sealed record PredefinedSplitSpec
{
    /// <summary>Path of a file with one 0-based row index per line, relative to the spec's folder.</summary>
    public string? TestRows { get; init; }

    /// <summary>A column whose values are train, validation (or valid) and test; never a feature.</summary>
    public string? Column { get; init; }
}

/// <summary>One candidate or baseline.</summary>
public sealed record ModelSpec
{
    /// <summary>Display and tracking name, unique in the spec. Default: the type.</summary>
    public string? Name { get; init; }

    /// <summary>random, zero_rule, heuristic, linear (logistic/linear regression), lightgbm, fasttree, fastforest; or an ensemble:
    /// voting, stacking, bagging.</summary>
    public required string Type { get; init; }

    /// <summary>Trainer options (e.g. number_of_trees, learning_rate); each trainer documents its own.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>For type heuristic: rule lines such as "income &lt; 2000 -> bad"; the first that matches decides.</summary>
    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary>For the ensembles (voting, stacking, bagging): the member models (bagging: its one base model). Default: none.</summary>
    public IReadOnlyList<ModelSpec> Members { get; init; } = [];

    /// <summary>The name used for tracking: <see cref="Name"/> or else <see cref="Type"/>.</summary>
    public string DisplayName => Name ?? Type;
}

/// <summary>The register section of a spec.</summary>
public sealed record RegisterSpec
{
    /// <summary>Registered model name. Default: the experiment name.</summary>
    public string? Name { get; init; }

    /// <summary>Whether to register the selected model. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Gates that must all hold on the test split, e.g. "auc >= 0.8" or "beats: zero_rule". Default: none.</summary>
    public IReadOnlyList<string> Gates { get; init; } = [];

    /// <summary>Alias moved to the new version after registration. Default: none.</summary>
    public string? Alias { get; init; }
}

/// <summary>The evaluation section of a spec: slices, fairness, calibration, conformal coverage and the bootstrap.</summary>
public sealed record EvaluationSpec
{
    /// <summary>Columns whose values (numeric columns: quartile bins) get their own test metrics. Default: none.</summary>
    public IReadOnlyList<string> Slices { get; init; } = [];

    /// <summary>Columns audited for fairness (per-group rates, demographic parity, equalized odds). Default: none.</summary>
    public IReadOnlyList<string> Sensitive { get; init; } = [];

    /// <summary>sigmoid or isotonic: calibration fitted on validation, stored with the model and reported on test (binary). Default: none.</summary>
    public string? Calibrate { get; init; }

    /// <summary>Coverage of the split-conformal intervals and prediction sets. Default 0.9.</summary>
    public double Coverage { get; init; } = 0.9;

    /// <summary>Bootstrap resamples behind every interval. Default 1000.</summary>
    public int Bootstrap { get; init; } = 1000;

    /// <summary>Slices with fewer test rows are listed with their size but get no metrics, and slice gates pass over them. Default 30.</summary>
    public int MinSliceRows { get; init; } = 30;

    /// <summary>Binary: what the decision threshold stored with the model is chosen for on validation (F-beta, a precision or recall
    /// target, or costs). Default null: the larger probability wins.</summary>
    public ThresholdObjective? Threshold { get; init; }

    /// <summary>Tags for the error analysis of the selected model on test (prioritisation table in the report). Default: none.</summary>
    public IReadOnlyList<TagSpec> Tags { get; init; } = [];

    /// <summary>Behavioural tests of the selected model on the test rows (and a file of cases). Default: none.</summary>
    public IReadOnlyList<BehaviourTestSpec> Tests { get; init; } = [];

    /// <summary>Shuffles per feature column of the permutation importance on test (seeded with the run's seed). Default 5; 0: none.</summary>
    public int ImportanceRepeats { get; init; } = 5;

    /// <summary>Whether to train the selected candidate again on 10, 25, 50, 75 and 100 % of the training rows for a learning curve
    /// (five more fits; needs a validation split). Default false.</summary>
    public bool LearningCurve { get; init; }

    /// <summary>A human-level (or existing-system) error in the selection metric's terms (1 − metric for a score, the loss itself),
    /// against which the bias/variance table measures avoidable bias. Default null: none.</summary>
    public double? HumanLevel { get; init; }
}
