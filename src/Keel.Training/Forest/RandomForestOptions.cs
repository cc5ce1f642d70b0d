namespace Keel.Training.Forest;

/// <summary>Options of Keel's own random forest (spec type "random_forest"): Breiman's forest with scikit-learn's defaults
/// (bootstrap rows per tree, a random subset of features per split, trees grown until pure, 1 row a leaf).</summary>
public sealed record RandomForestOptions
{
    /// <summary>number_of_trees: trees in the forest (scikit-learn's n_estimators). Default by the training rows n
    /// (<see cref="DefaultTreeCount"/>): 500 up to 2,000 rows, then 1,000,000 / n, at least 100 (from 10,000 rows); 100 here
    /// until <see cref="ForTrainingRows"/> fixes it.</summary>
    public int NumberOfTrees { get; init; } = MinimumDefaultTrees;

    /// <summary>Trees times training rows that the default tree count spends at most: an unpruned tree holds up to about a node
    /// per training row, so this bounds the default forest's nodes (model bytes, training CPU, predict time) by those of 100
    /// trees on 10,000 rows (on bench/tabular8 about 8 to 15 bytes a tree per training row for classifiers, 35 for regression).</summary>
    public const long RowTreeBudget = 1_000_000;

    /// <summary>Fewest and most trees of the default tree count: scikit-learn's n_estimators, and R randomForest's and ranger's ntree.</summary>
    public const int MinimumDefaultTrees = 100, MaximumDefaultTrees = 500;

    /// <summary>The default tree count for <paramref name="rows"/> training rows: <see cref="RowTreeBudget"/> / rows, between
    /// <see cref="MinimumDefaultTrees"/> and <see cref="MaximumDefaultTrees"/>.</summary>
    public static int DefaultTreeCount(long rows) =>
        (int)Math.Clamp(RowTreeBudget / Math.Max(1, rows), MinimumDefaultTrees, MaximumDefaultTrees);

    /// <summary>Whether the spec left number_of_trees out, so that the count follows the training rows until
    /// <see cref="ForTrainingRows"/> fixes it.</summary>
    internal bool TreesFollowRows { get; init; }

    internal const string TreesOption = "number_of_trees";

    /// <summary>These options with the tree count fixed for a fit on <paramref name="rows"/> training rows when the spec left it out.</summary>
    internal RandomForestOptions ForTrainingRows(long rows) =>
        TreesFollowRows ? this with { NumberOfTrees = DefaultTreeCount(rows), TreesFollowRows = false } : this;

    /// <summary>maximum_depth: deepest a tree may grow; 0 grows until leaves are pure or too small (scikit-learn's max_depth None). Default 0.</summary>
    public int MaximumDepth { get; init; }

    /// <summary>minimum_example_count_per_leaf: fewest distinct rows in a leaf (scikit-learn's min_samples_leaf). Default 1.</summary>
    public int MinimumExampleCountPerLeaf { get; init; } = 1;

    /// <summary>feature_fraction: share of the features drawn at each split (scikit-learn's float max_features, at least one);
    /// 0 takes scikit-learn's defaults: √(features) for classifiers, every feature for regression. Default 0.</summary>
    public double FeatureFraction { get; init; }

    /// <summary>bootstrap: each tree learns from n rows drawn with replacement; false gives every tree every row. Default true.</summary>
    public bool Bootstrap { get; init; } = true;

    /// <summary>maximum_bin_count: most split points per feature, as quantile bins fitted once on the training rows; a feature
    /// with no more distinct values than this is split exactly between neighbouring values. Default 255.</summary>
    public int MaximumBinCount { get; init; } = 255;

    /// <summary>number_of_threads: trees grown at once; 0 uses every core. The model is the same for a seed whatever the thread
    /// count. Default 0.</summary>
    public int NumberOfThreads { get; init; }

    // Defaults come from the initialisers above, so each documented default is written once.
    internal static RandomForestOptions Read(OptionReader r)
    {
        var d = new RandomForestOptions();
        return new()
        {
            NumberOfTrees = r.Int(TreesOption, d.NumberOfTrees, 1, 10_000),
            TreesFollowRows = !r.Given(TreesOption),
            MaximumDepth = r.Int("maximum_depth", d.MaximumDepth, 0, 10_000),
            MinimumExampleCountPerLeaf = r.Int("minimum_example_count_per_leaf", d.MinimumExampleCountPerLeaf, 1, 1_000_000),
            FeatureFraction = r.Double("feature_fraction", d.FeatureFraction, 0, 1),
            Bootstrap = r.Bool("bootstrap", d.Bootstrap),
            MaximumBinCount = r.Int("maximum_bin_count", d.MaximumBinCount, 2, 255),
            NumberOfThreads = r.Int("number_of_threads", d.NumberOfThreads, 0, 1024),
        };
    }

    /// <summary>Features drawn per split out of <paramref name="width"/>: the fraction's share (at least 1), or the task's default.</summary>
    internal int FeaturesPerSplit(int width, bool classifier) => FeatureFraction > 0
        ? Math.Clamp((int)(FeatureFraction * width), 1, Math.Max(1, width))
        : classifier ? Math.Max(1, (int)Math.Sqrt(width)) : Math.Max(1, width);
}
