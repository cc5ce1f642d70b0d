using Keel.Core;
using Keel.Core.Data;
using Keel.Training.Featurization;

namespace Keel.Training.Forest;

/// <summary>Keel's own random forest (spec type "random_forest"): bootstrap rows per tree, a random feature subset per split,
/// unpruned CART trees on the shared featurised matrix, binned once.</summary>
/// <remarks>Tree t draws its rows and features from a seed derived from the run's seed and t alone, and trees are combined in
/// index order, so the same seed gives the same forest whatever the thread count.</remarks>
internal sealed class RandomForestTrainer : ITrainer
{
    private readonly TaskKind _task;
    private readonly RandomForestOptions _options;
    private readonly string _where;

    public RandomForestTrainer(TaskKind task, RandomForestOptions options, IReadOnlyDictionary<string, string> effectiveParams, string where)
    {
        _task = task;
        _options = options;
        EffectiveParams = effectiveParams;
        _where = where;
    }

    public string Type => "random_forest";
    public bool IsBaseline => false;

    /// <summary>Example weights multiply the bootstrap counts (scikit-learn's sample_weight).</summary>
    public bool HonoursWeights => true;
    public IReadOnlyDictionary<string, string> EffectiveParams { get; }

    public FitResult Fit(TrainingData train, TrainingData? validation, TrainContext context)
    {
        var classes = train.Labels.Classes;
        train.EnsureTrainable(_task, _where, context.SourceName);
        // A tree count the run did not fix follows this fit's own rows (and the model header shows it).
        if (_options.TreesFollowRows) return ForTrainingRows(train.Features.RowCount).Fit(train, validation, context);

        // The same featurised matrix as the other candidates (one per train table in the cache).
        var cache = context.Features ?? new FeatureCache();
        var fitted = cache.Fit(train.Features, MlNet.MlNetTrainer.FeaturizerFor(context, _options), train.Labels);
        var bins = FeatureBins.Build(fitted.Rows, _options.MaximumBinCount);
        var width = _task == TaskKind.Regression ? 1 : classes.Count;
        var mtry = _options.FeaturesPerSplit(fitted.Rows.Width, _task != TaskKind.Regression);
        var n = fitted.Rows.RowCount;
        var trees = new ForestTree[_options.NumberOfTrees];
        var threads = _options.NumberOfThreads > 0 ? _options.NumberOfThreads : Environment.ProcessorCount;
        Parallel.For(0, trees.Length, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => new TreeGrower(bins, train.Labels.ClassIndices, width, train.Labels.Values, mtry, _options.MinimumExampleCountPerLeaf, _options.MaximumDepth),
            (t, _, grower) =>
            {
                var rng = new Random(TreeSeed(context.Seed, t));
                var weights = new double[n];
                if (_options.Bootstrap)
                    for (var i = 0; i < n; i++) weights[rng.Next(n)]++;
                else Array.Fill(weights, 1.0);
                if (train.Weights is { } w)
                    for (var r = 0; r < n; r++) weights[r] *= w[r];
                var rows = Enumerable.Range(0, n).Where(r => weights[r] > 0).ToArray();
                trees[t] = rows.Length == 0 ? Constant(width) : grower.Grow(rows, weights, rng);
                return grower;
            },
            _ => { });
        var header = new ModelHeader(Type, _task, classes, EffectiveParams);
        return new FitResult(new RandomForestModel(header, fitted.Raw, new ForestState(width, trees)), null);
    }

    /// <summary>The default tree count fixed for <paramref name="rows"/> training rows (<see cref="RandomForestOptions.DefaultTreeCount"/>);
    /// a given number_of_trees is kept.</summary>
    public ITrainer ForTrainingRows(long rows)
    {
        if (!_options.TreesFollowRows) return this;
        var options = _options.ForTrainingRows(rows);
        var trees = options.NumberOfTrees.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new RandomForestTrainer(_task, options, OptionReader.Overlay(EffectiveParams, [KeyValuePair.Create(RandomForestOptions.TreesOption, trees)]), _where);
    }

    /// <summary>Tree <paramref name="tree"/>'s seed: SplitMix64 of the run seed and the tree index.</summary>
    internal static int TreeSeed(int seed, int tree)
    {
        var z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(tree + 1) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    // A tree whose rows all weigh zero predicts nothing in particular: an even split (classification) or 0.
    private static ForestTree Constant(int width) =>
        new([-1], [0], [-1], [-1], Enumerable.Repeat(width == 1 ? 0 : 1.0 / width, width).ToArray());
}
