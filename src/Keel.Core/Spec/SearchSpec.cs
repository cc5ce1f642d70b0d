namespace Keel.Core.Spec;

/// <summary>The search section of a spec: hyper-parameter search over candidate families (`keel search`).</summary>
public sealed record SearchSpec
{
    /// <summary>The study name in the store; rerunning the same spec resumes it. Default: "EXPERIMENT-search".</summary>
    public string? Study { get; init; }

    /// <summary>tpe, tpe-multivariate, nsga2, random or grid. Default tpe.</summary>
    public string Sampler { get; init; } = "tpe";

    /// <summary>median, percentile, threshold, patient, asha, hyperband or none. Default median; none for a search with two or more
    /// <see cref="Objectives"/> (the spec reader decides).</summary>
    public string Pruner { get; init; } = "median";

    /// <summary>The pruner's options when the spec gives the pruner as a mapping (<c>{type: percentile, percentile: 25}</c>); null for
    /// the defaults.</summary>
    public PrunerOptionsSpec? PrunerOptions { get; init; }

    /// <summary>Trials in all, shared evenly by the families (trial i belongs to family i mod F). Default: 20 per family when no
    /// timeout is given; none (the timeout alone ends the search) when a timeout is given.</summary>
    public int? Trials { get; init; }

    /// <summary>Wall-clock budget of each `keel search` process: no trial starts after it. Default: none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The trainer types searched. Default: the tunable types among the spec's models, else those among the default candidates
    /// (linear, lightgbm, fasttree, random_forest; fastforest instead of random_forest above 200,000 rows).</summary>
    public IReadOnlyList<string> Families { get; init; } = [];

    /// <summary>Per family, parameter ranges replacing or adding to the family's default space (by parameter name).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, ParamRangeSpec>> Spaces { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, ParamRangeSpec>>();

    /// <summary>retry or skip: what becomes of a trial whose worker stopped sending heartbeats. Default retry.</summary>
    public string Stale { get; init; } = "retry";

    /// <summary>A trial whose worker is silent this long is stale. Default 60 seconds.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Seed of the sampler. Default: the spec's seed.</summary>
    public int? Seed { get; init; }

    /// <summary>The nsga2 sampler's generation size (complete trials per generation, per family; the first generation is random).
    /// Default null: Optuna's 50.</summary>
    public int? Population { get; init; }

    /// <summary>Optuna's constant liar for the tpe samplers: trials still running join TPE's bad side as if they had the worst value, so
    /// workers sampling at once spread out. Changes nothing with one worker. Default null: on for tpe, off for tpe-multivariate
    /// (bench/results.md, "Constant liar").</summary>
    public bool? ConstantLiar { get; init; }

    /// <summary>Objectives whose Pareto front (non-dominated complete trials) the search keeps, and with two or more and a tpe or nsga2
    /// sampler searches for (Optuna's multi-objective TPE, or NSGA-II): metric names (direction from the metric), latency (predict µs per row, lower is
    /// better) and size (model bytes, lower is better). Default: none, a single-objective search.</summary>
    public IReadOnlyList<string> Objectives { get; init; } = [];

    /// <summary>Trials to run first with given options (Optuna's <c>enqueue_trial</c>, FLAML's <c>points_to_evaluate</c>): the k-th
    /// one of a family is that family's k-th trial; options it does not give are sampled. Default none.</summary>
    public IReadOnlyList<EnqueuedTrialSpec> Enqueue { get; init; } = [];

    /// <summary>Each family's first trial trains the family's defaults (the options keel run trains it with, where its space holds them),
    /// as FLAML and ML.NET AutoML start from a default configuration, unless <see cref="Enqueue"/> gives that family's trials. Not with
    /// the grid sampler. Default false: on the nine modeldata sets it did not improve the families' best trials (bench/results.md).</summary>
    public bool StartFromDefaults { get; init; }
}

/// <summary>One enqueued trial: its family and the values it gives (option name → value as text; a categorical one by its choice).</summary>
public sealed record EnqueuedTrialSpec(string Family, IReadOnlyDictionary<string, string> Options);

/// <summary>One parameter's range in a search space: low/high (with log and int), or a list of choices, or one fixed value.</summary>
public sealed record ParamRangeSpec
{
    /// <summary>Lower bound (numeric ranges).</summary>
    public double? Low { get; init; }

    /// <summary>Upper bound (numeric ranges).</summary>
    public double? High { get; init; }

    /// <summary>Sample uniformly in log space. Default false.</summary>
    public bool Log { get; init; }

    /// <summary>Integer values only. Default false.</summary>
    public bool Integer { get; init; }

    /// <summary>Choices (a categorical parameter); a single fixed value is a one-choice list. Default: none.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>"PARAM=CHOICE": the parameter exists only when an earlier categorical parameter has that choice. Default: always.</summary>
    public string? When { get; init; }
}

/// <summary>Options of search.pruner given as a mapping; null fields take the pruner's defaults. Losses are validation losses
/// (lower is better), steps boosting rounds.</summary>
public sealed record PrunerOptionsSpec
{
    /// <summary>percentile: the percentile (0 to 100) of the complete trials' losses at the same round a trial's best loss must not be
    /// worse than; lower is stricter.</summary>
    public double? Percentile { get; init; }

    /// <summary>median, percentile, threshold: rounds before a trial may be pruned. Default 10 (median, percentile), 0 (threshold).</summary>
    public int? Warmup { get; init; }

    /// <summary>median, percentile: complete trials of the family before any is pruned. Default 5.</summary>
    public int? Startup { get; init; }

    /// <summary>threshold: a loss below this stops the trial.</summary>
    public double? Lower { get; init; }

    /// <summary>threshold: a loss above this stops the trial.</summary>
    public double? Upper { get; init; }

    /// <summary>patient: a trial stops when the best of its last this-many + 1 rounds is worse, by more than <see cref="MinDelta"/>,
    /// than its best before them.</summary>
    public int? Patience { get; init; }

    /// <summary>patient: how much worse the recent best may be. Default 0.</summary>
    public double? MinDelta { get; init; }

    /// <summary>patient: the pruner that must agree before such a trial stops (median), or none. Default none.</summary>
    public string? Wrapped { get; init; }
}
