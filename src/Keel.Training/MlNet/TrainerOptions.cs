using Keel.Core.Data;

namespace Keel.Training.MlNet;

/// <summary>Options of the linear trainer (spec type "linear").</summary>
/// <remarks>Binary: L-BFGS logistic regression; multiclass: L-BFGS maximum entropy; regression: ridge (squared loss plus
/// l2_regularization times the squared weights, as scikit-learn's Ridge alpha), solved exactly by Cholesky up to 4096 features
/// and by conjugate gradients above. Numeric features are standardised with train statistics first.</remarks>
public sealed record LinearOptions
{
    /// <summary>l2_regularization: L2 penalty weight (as sklearn's default penalty; no L1). Default 1.</summary>
    public double L2Regularization { get; init; } = 1;

    /// <summary>maximum_number_of_iterations: optimiser iteration cap (regression over 4096 features: conjugate-gradient steps). Default 100.</summary>
    public int MaximumNumberOfIterations { get; init; } = 100;

    // Defaults come from the initialisers above, so each documented default is written once.
    internal static LinearOptions Read(OptionReader r)
    {
        var d = new LinearOptions();
        return new()
        {
            L2Regularization = r.Double("l2_regularization", d.L2Regularization, 0, 1e6),
            MaximumNumberOfIterations = r.Int("maximum_number_of_iterations", d.MaximumNumberOfIterations, 1, 100_000),
        };
    }
}

/// <summary>Options of the LightGBM trainer (spec type "lightgbm"); trained in LightGBM's deterministic mode, so the same
/// seed and thread count give the same model.</summary>
public sealed record LightGbmOptions
{
    /// <summary>number_of_iterations: boosting rounds. Default 200.</summary>
    public int NumberOfIterations { get; init; } = 200;

    /// <summary>learning_rate: shrinkage per round, in (0, 1]. Default 0.05.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>number_of_leaves: most leaves per tree. Default 31.</summary>
    public int NumberOfLeaves { get; init; } = 31;

    /// <summary>minimum_example_count_per_leaf: fewest rows in a leaf. Default 20.</summary>
    public int MinimumExampleCountPerLeaf { get; init; } = 20;

    /// <summary>l2_regularization: L2 penalty on leaf values. Default 0.</summary>
    public double L2Regularization { get; init; }

    /// <summary>early_stopping_rounds: with a validation set, keep the round with the lowest validation loss once it has not
    /// improved for this many rounds; 0 trains every round. Default 20.</summary>
    public int EarlyStoppingRounds { get; init; } = 20;

    /// <summary>maximum_tree_depth: deepest a tree may grow (XGBoost's max_depth); 0 limits trees by leaves only. Default 0.</summary>
    public int MaximumTreeDepth { get; init; }

    /// <summary>maximum_bin_count: histogram bins per numeric feature (XGBoost's max_bin). Default 255.</summary>
    public int MaximumBinCount { get; init; } = 255;

    /// <summary>categorical_split: split on categorical columns natively (LightGBM's categorical splits, every value with at
    /// least two train rows, up to <see cref="NativeCategoryLimit"/> values) instead of one-hot slots or hash buckets. Default true.</summary>
    public bool CategoricalSplit { get; init; } = true;

    /// <summary>maximum_one_hot_categories: under <see cref="CategoricalSplit"/>, a categorical column with at most this many
    /// values keeps its one-hot slots, so a split sends one value against the rest (LightGBM's max_cat_to_onehot, which
    /// ML.NET does not pass on); 0 splits every categorical column natively. Default 4 (LightGBM's own).</summary>
    public int MaximumOneHotCategories { get; init; } = 4;

    /// <summary>minimum_example_count_per_group: fewest rows on each side of a categorical split (LightGBM's
    /// min_data_per_group). Default 100 (LightGBM's own) below <see cref="LargeSetRows"/> training rows, 10 from there.</summary>
    public int MinimumExampleCountPerGroup { get; init; } = 100;

    /// <summary>maximum_categorical_split_point_count: most values of a categorical column sent one way at a split
    /// (LightGBM's max_cat_threshold; XGBoost 1.7's max_cat_threshold is 64). Default 32 (LightGBM's own) below
    /// <see cref="LargeSetRows"/> training rows, 64 from there.</summary>
    public int MaximumCategoricalSplitPointCount { get; init; } = 32;

    /// <summary>categorical_smoothing: values with fewer rows than this at a node are left out of a categorical split, and it
    /// is added to each value's hessian sum when the values are ordered (LightGBM's cat_smooth). Default 10 (LightGBM's own)
    /// below <see cref="LargeSetRows"/> training rows, 1 from there.</summary>
    public double CategoricalSmoothing { get; init; } = 10;

    /// <summary>categorical_l2_regularization: extra L2 penalty at categorical splits (LightGBM's cat_l2). Default 10
    /// (LightGBM's own) below <see cref="LargeSetRows"/> training rows, 1 from there.</summary>
    public double CategoricalL2Regularization { get; init; } = 10;

    /// <summary>Training rows from which the four categorical limits the spec leaves out take their large-set defaults
    /// (64 values a side, smoothing 1, categorical L2 1, 10 rows a group; XGBoost 1.7's max_cat_threshold is 64): on flights-3m
    /// (2 M training rows) they lift test AUC from 0.7046 to 0.7188, while on small sets they overfit (5-fold cv: scat, 110 rows,
    /// -0.011 AUC; Sacramento, 932 rows, +1.6 % RMSE). From 100,000 rows, 10 rows a group is at most 0.01 % of the rows.</summary>
    public const int LargeSetRows = 100_000;

    /// <summary>The categorical limits the spec left out, whose defaults follow the training row count until
    /// <see cref="ForTrainingRows"/> fixes them (their values above are the small-set defaults until then).</summary>
    internal IReadOnlyList<string> RowDependent { get; init; } = [];

    internal const string GroupOption = "minimum_example_count_per_group", SplitPointOption = "maximum_categorical_split_point_count",
        SmoothingOption = "categorical_smoothing", CategoricalL2Option = "categorical_l2_regularization";

    /// <summary>These options with the categorical limits the spec left out fixed for a fit on <paramref name="rows"/> training
    /// rows: the large-set defaults from <see cref="LargeSetRows"/> rows, LightGBM's below; given limits are kept.</summary>
    internal LightGbmOptions ForTrainingRows(long rows)
    {
        if (RowDependent.Count == 0) return this;
        var o = this with { RowDependent = [] };
        if (rows < LargeSetRows) return o;
        foreach (var name in RowDependent)
        {
            o = name switch
            {
                GroupOption => o with { MinimumExampleCountPerGroup = 10 },
                SplitPointOption => o with { MaximumCategoricalSplitPointCount = 64 },
                SmoothingOption => o with { CategoricalSmoothing = 1 },
                CategoricalL2Option => o with { CategoricalL2Regularization = 1 },
                _ => throw new InvalidOperationException($"'{name}' is not a row-dependent option."),
            };
        }
        return o;
    }

    /// <summary>The four categorical limits as effective params (formatted as <see cref="OptionReader"/> formats them).</summary>
    internal IEnumerable<KeyValuePair<string, string>> CategoricalParams() =>
    [
        new(GroupOption, MinimumExampleCountPerGroup.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new(SplitPointOption, MaximumCategoricalSplitPointCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new(SmoothingOption, OptionReader.Format(CategoricalSmoothing)),
        new(CategoricalL2Option, OptionReader.Format(CategoricalL2Regularization)),
    ];

    /// <summary>minimum_child_weight: least hessian sum in a leaf (LightGBM's min_sum_hessian_in_leaf, on ML.NET's
    /// sigmoid 0.5 scale for binary, where a row's hessian is a quarter of XGBoost's). Default 0.1.</summary>
    public double MinimumChildWeight { get; init; } = 0.1;

    /// <summary>number_of_threads: training threads; 0 uses every core. The model is the same for the same seed and thread
    /// count; another thread count sums histograms in another order and may give slightly different trees. Default 0.</summary>
    public int NumberOfThreads { get; init; }

    /// <summary>Most distinct values a categorical column keeps under <see cref="CategoricalSplit"/> (by train frequency);
    /// rarer values share the "other" category.</summary>
    public const int NativeCategoryLimit = 10_000;

    // Defaults come from the initialisers above, so each documented default is written once.
    internal static LightGbmOptions Read(OptionReader r)
    {
        var d = new LightGbmOptions();
        return new()
        {
            NumberOfIterations = r.Int("number_of_iterations", d.NumberOfIterations, 1, 100_000),
            LearningRate = r.Double("learning_rate", d.LearningRate, 0, 1, minExclusive: true),
            NumberOfLeaves = r.Int("number_of_leaves", d.NumberOfLeaves, 2, 131_072),
            MinimumExampleCountPerLeaf = r.Int("minimum_example_count_per_leaf", d.MinimumExampleCountPerLeaf, 1, int.MaxValue),
            L2Regularization = r.Double("l2_regularization", d.L2Regularization, 0, 1e6),
            EarlyStoppingRounds = r.Int("early_stopping_rounds", d.EarlyStoppingRounds, 0, 100_000),
            MaximumTreeDepth = r.Int("maximum_tree_depth", d.MaximumTreeDepth, 0, 1000),
            MaximumBinCount = r.Int("maximum_bin_count", d.MaximumBinCount, 2, 65_535),
            CategoricalSplit = r.Bool("categorical_split", d.CategoricalSplit),
            MaximumOneHotCategories = r.Int("maximum_one_hot_categories", d.MaximumOneHotCategories, 0, NativeCategoryLimit),
            NumberOfThreads = r.Int("number_of_threads", d.NumberOfThreads, 0, 1024),
            MinimumExampleCountPerGroup = r.Int(GroupOption, d.MinimumExampleCountPerGroup, 1, int.MaxValue),
            MaximumCategoricalSplitPointCount = r.Int(SplitPointOption, d.MaximumCategoricalSplitPointCount, 1, 65_535),
            CategoricalSmoothing = r.Double(SmoothingOption, d.CategoricalSmoothing, 0, 1e6),
            CategoricalL2Regularization = r.Double(CategoricalL2Option, d.CategoricalL2Regularization, 0, 1e6),
            MinimumChildWeight = r.Double("minimum_child_weight", d.MinimumChildWeight, 0, 1e6),
            RowDependent = [.. new[] { GroupOption, SplitPointOption, SmoothingOption, CategoricalL2Option }.Where(n => !r.Given(n))],
        };
    }
}

/// <summary>Options of the FastTree (gradient boosted trees) trainer (spec type "fasttree").</summary>
public sealed record FastTreeOptions
{
    /// <summary>number_of_trees: boosting rounds. Default 100.</summary>
    public int NumberOfTrees { get; init; } = 100;

    /// <summary>number_of_leaves: most leaves per tree. Default 20.</summary>
    public int NumberOfLeaves { get; init; } = 20;

    /// <summary>learning_rate: shrinkage per round, in (0, 1]. Default 0.2.</summary>
    public double LearningRate { get; init; } = 0.2;

    /// <summary>minimum_example_count_per_leaf: fewest rows in a leaf. Default 10.</summary>
    public int MinimumExampleCountPerLeaf { get; init; } = 10;

    /// <summary>early_stopping_rounds: with a validation set, keep the round with the lowest validation loss once it has not
    /// improved for this many rounds; 0 trains every round. Default 20.</summary>
    public int EarlyStoppingRounds { get; init; } = 20;

    // Defaults come from the initialisers above, so each documented default is written once.
    internal static FastTreeOptions Read(OptionReader r)
    {
        var d = new FastTreeOptions();
        return new()
        {
            NumberOfTrees = r.Int("number_of_trees", d.NumberOfTrees, 1, 100_000),
            NumberOfLeaves = r.Int("number_of_leaves", d.NumberOfLeaves, 2, 131_072),
            LearningRate = r.Double("learning_rate", d.LearningRate, 0, 1, minExclusive: true),
            MinimumExampleCountPerLeaf = r.Int("minimum_example_count_per_leaf", d.MinimumExampleCountPerLeaf, 1, int.MaxValue),
            EarlyStoppingRounds = r.Int("early_stopping_rounds", d.EarlyStoppingRounds, 0, 100_000),
        };
    }
}

/// <summary>Options of the FastForest (random forest) trainer (spec type "fastforest").</summary>
/// <remarks>A random forest averages deep, low-bias trees (Breiman; scikit-learn grows them to one row a leaf): ML.NET's own
/// defaults (20 leaves, 10 rows a leaf) give shallow trees, which on small sets leave the forest with a few leaves per tree
/// (70 rows: at most 7). Keel's defaults grow deeper trees: cross-validated rmse on biomass 1.48 against 1.63 with ML.NET's,
/// macro F1 on scat 0.69 against 0.59 (bench/results.md, "Nine modeldata sets").</remarks>
public sealed record FastForestOptions
{
    /// <summary>number_of_trees: trees in the forest. Default 100.</summary>
    public int NumberOfTrees { get; init; } = 100;

    /// <summary>number_of_leaves: most leaves per tree. Default 64 (ML.NET's own: 20).</summary>
    public int NumberOfLeaves { get; init; } = 64;

    /// <summary>minimum_example_count_per_leaf: fewest rows in a leaf. Default 2 (ML.NET's own: 10).</summary>
    public int MinimumExampleCountPerLeaf { get; init; } = 2;

    /// <summary>feature_fraction: the fraction of features each tree draws, and of those each split may choose from, in (0, 1].
    /// Default <see cref="RegressionFeatureFraction"/> for regression, <see cref="ClassificationFeatureFraction"/> for classification.</summary>
    public double FeatureFraction { get; init; } = ClassificationFeatureFraction;

    /// <summary>Regression's default feature_fraction: every feature, as scikit-learn's RandomForestRegressor (max_features 1.0).
    /// ML.NET's 0.7 per tree and 0.7 per split left a split about half the features: on biomass (5 features) many trees lacked the
    /// strongest one.</summary>
    public const double RegressionFeatureFraction = 1.0;

    /// <summary>Classification's default feature_fraction: ML.NET's own (0.7 per tree and per split).</summary>
    public const double ClassificationFeatureFraction = 0.7;

    // Defaults come from the initialisers above, so each documented default is written once.
    internal static FastForestOptions Read(OptionReader r, TaskKind task)
    {
        var d = new FastForestOptions();
        return new()
        {
            NumberOfTrees = r.Int("number_of_trees", d.NumberOfTrees, 1, 100_000),
            NumberOfLeaves = r.Int("number_of_leaves", d.NumberOfLeaves, 2, 131_072),
            MinimumExampleCountPerLeaf = r.Int("minimum_example_count_per_leaf", d.MinimumExampleCountPerLeaf, 1, int.MaxValue),
            FeatureFraction = r.Double("feature_fraction", task == TaskKind.Regression ? RegressionFeatureFraction : ClassificationFeatureFraction, 0, 1, minExclusive: true),
        };
    }
}
