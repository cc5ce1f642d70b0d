using Keel.Core;
using Keel.Core.Data;
using Keel.Training.Featurization;
using Keel.Training.Linear;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Keel.Training.MlNet;

/// <summary>A candidate trainer over ML.NET: featurises (fit on train only), then fits one ML.NET estimator.</summary>
internal sealed class MlNetTrainer : ITrainer
{
    private readonly TaskKind _task;
    private readonly object _options;
    private readonly string _where;

    public MlNetTrainer(string type, TaskKind task, object options, IReadOnlyDictionary<string, string> effectiveParams, string where)
    {
        Type = type;
        _task = task;
        _options = options;
        EffectiveParams = effectiveParams;
        _where = where;
    }

    public string Type { get; }
    public bool IsBaseline => false;

    /// <summary>Every ML.NET candidate takes example weights (ExampleWeightColumnName); linear regression weights its ridge solve.</summary>
    public bool HonoursWeights => true;
    public IReadOnlyDictionary<string, string> EffectiveParams { get; }

    /// <summary>Boosted trainers stop early on validation rows (when early_stopping_rounds is above 0); forest classifiers calibrate on them.</summary>
    public bool UsesValidation => Rounds(_options) is { Patience: > 0 } || (_options is FastForestOptions && _task != TaskKind.Regression);

    public FitResult Fit(TrainingData train, TrainingData? validation, TrainContext context)
    {
        var classes = train.Labels.Classes;
        train.EnsureTrainable(_task, _where, context.SourceName);
        // Defaults that depend on the row count and were not fixed by the run: this fit's own rows fix them (and its header shows them).
        if (_options is LightGbmOptions { RowDependent.Count: > 0 }) return ForTrainingRows(train.Features.RowCount).Fit(train, validation, context);

        // One raw matrix per train table, shared through the cache by every candidate; linear models standardise as they read.
        var cache = context.Features ?? new FeatureCache();
        var featurization = FeaturizerFor(context, _options);
        var fitted = cache.Fit(train.Features, featurization, train.Labels);
        var state = _options is LinearOptions ? fitted.Standardised : fitted.Raw;
        var header = new ModelHeader(Type, _task, classes, EffectiveParams);
        if (_options is LinearOptions linear && _task == TaskKind.Regression)
        {
            var ridge = RidgeSolver.Fit(fitted.Rows, state, train.Labels.Values!, linear.L2Regularization, linear.MaximumNumberOfIterations, weights: train.Weights);
            return new FitResult(new RidgeModel(header, state, ridge), null);
        }

        var validRows = validation is null ? null : cache.Apply(train.Features, featurization, validation.Features, train.Labels);
        var ml = new MLContext(context.Seed);
        var weighted = train.Weights is not null;
        var view = new MatrixDataView(fitted.Rows, _task, classes.Count, train.Labels, state, weights: train.Weights)
        {
            CategoricalRanges = _options is LightGbmOptions { CategoricalSplit: true } lgb ? CategoricalRanges(state, lgb.MaximumOneHotCategories) : null,
        };
        if (_options is FastForestOptions forest && _task != TaskKind.Regression)
        {
            // Validation rows calibrate the forest; weighted like the training rows when those carry weights.
            var validView = validRows is null ? null : new MatrixDataView(validRows, _task, classes.Count, validation!.Labels, weights: weighted ? validation.Weights : null);
            if (_task == TaskKind.Binary)
            {
                var calibrated = ForestCalibration.Fit(ml, Forest(ml, forest, context.Seed, weighted), view, validView, context.Seed);
                return new FitResult(new MlNetModel(header, state, ml, calibrated), null);
            }
            var (raw, platt) = ForestCalibration.FitMulticlass(ml, Forest(ml, forest, context.Seed, weighted), classes.Count, view, validView, context.Seed);
            return new FitResult(new MlNetModel(header, state, ml, raw, platt), null);
        }

        var transformer = FitEstimator(Estimator(ml, context.Seed, _options, weighted), view);
        if (Rounds(_options) is not { } rounds) return new FitResult(new MlNetModel(header, state, ml, transformer), null);

        var curve = StagedLoss.Compute(transformer, _task, softmax: _options is LightGbmOptions, fitted.Rows, train.Labels, validRows, validation?.Labels, context.Seed,
            _options is LightGbmOptions o ? Threads(o) : Environment.ProcessorCount);
        var best = curve is null ? null : EarlyStopping.BestIteration(curve, rounds.Patience);
        if (best is { } b && b < rounds.Trained)
        {
            // The first b rounds of a seeded, deterministic booster are the same trees, so refitting b rounds keeps the best model,
            // and its header states the b rounds it holds (early_stopping_rounds as given: it stopped early).
            transformer = FitEstimator(Estimator(ml, context.Seed, WithRounds(_options, b), weighted), view);
            header = header with { EffectiveParams = ParamsWith((rounds.Name, b)) };
        }
        return new FitResult(new MlNetModel(header, state, ml, transformer), curve) { BestIteration = best < rounds.Trained ? best : null };
    }

    /// <summary>The featurizer options a fit in <paramref name="context"/> uses (the key of its matrix in the feature cache).</summary>
    internal FeaturizerOptions Featurization(TrainContext context) => FeaturizerFor(context, _options);

    // Its params state what it trains: the best round count, without early stopping (it has no validation rows).
    public ITrainer ForRefit(FitResult fit) =>
        fit.BestIteration is { } best && Rounds(_options) is { } rounds && best < rounds.Trained ? WithoutEarlyStopping(best) : this;

    public int EarlyStoppingRounds => Rounds(_options)?.Patience ?? 0;

    public ITrainer WithoutEarlyStopping(int? rounds)
    {
        if (Rounds(_options) is not { } own) return this;
        var trained = rounds ?? own.Trained;
        return new MlNetTrainer(Type, _task, WithRounds(_options, trained), ParamsWith((own.Name, trained), (EarlyStoppingOption, 0)), _where);
    }

    private const string EarlyStoppingOption = "early_stopping_rounds";

    /// <summary><see cref="EffectiveParams"/> with <paramref name="values"/> over them (formatted invariantly).</summary>
    private SortedDictionary<string, string> ParamsWith(params (string Name, int Value)[] values) =>
        OptionReader.Overlay(EffectiveParams, values.Select(v => KeyValuePair.Create(v.Name, v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    public ITrainer ForTrainingRows(long rows)
    {
        if (_options is not LightGbmOptions { RowDependent.Count: > 0 } o) return this;
        var fixedOptions = o.ForTrainingRows(rows);
        return new MlNetTrainer(Type, _task, fixedOptions, OptionReader.Overlay(EffectiveParams, fixedOptions.CategoricalParams()), _where);
    }

    // Every candidate featurises alike (standardisation is applied as rows are read), so they share one cached matrix:
    // the options compare equal between candidates because the date-parts map is the run's one instance (or this one).
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> EveryDatePart = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The featurizer options of a fit with <paramref name="options"/> in <paramref name="context"/>; every candidate but
    /// a natively categorical LightGBM gets the same, so they share one cached matrix.</summary>
    internal static FeaturizerOptions FeaturizerFor(TrainContext context, object options)
    {
        var featurization = new FeaturizerOptions { DateParts = context.DateParts ?? EveryDatePart, Engineering = context.Engineering };
        // Native categorical splits want each value as itself: no hash buckets (which merge unrelated values) and no cap at
        // the one-hot slot count. The one-hot group is stored as one index per row, so many values cost no memory per row.
        return options is LightGbmOptions { CategoricalSplit: true }
            ? featurization with { HashingThreshold = int.MaxValue, MaxCategories = LightGbmOptions.NativeCategoryLimit }
            : featurization;
    }

    /// <summary>[first, last] slot of every one-hot group (a categorical column) with more than <paramref name="maximumOneHot"/>
    /// values, which LightGBM turns back into one categorical feature; the slots of the others stay one-hot (numeric 0/1).</summary>
    internal static (int First, int Last)[] CategoricalRanges(FeaturizerState state, int maximumOneHot) =>
        state.Columns.Where(p => FeatureMatrix.IsOneHot(p) && (p.Categories?.Count ?? int.MaxValue) > maximumOneHot)
            .OrderBy(p => p.Offset).Select(p => (p.Offset, p.Offset + p.Width - 1)).ToArray();

    /// <summary>The thread count a fit uses: the option, or every core when it is 0.</summary>
    internal static int Threads(LightGbmOptions o) => o.NumberOfThreads > 0 ? o.NumberOfThreads : Environment.ProcessorCount;

    private static (int Trained, int Patience, string Name)? Rounds(object options) => options switch
    {
        LightGbmOptions o => (o.NumberOfIterations, o.EarlyStoppingRounds, "number_of_iterations"),
        FastTreeOptions o => (o.NumberOfTrees, o.EarlyStoppingRounds, "number_of_trees"),
        _ => null,
    };

    private static object WithRounds(object options, int rounds) => options switch
    {
        LightGbmOptions o => o with { NumberOfIterations = rounds, EarlyStoppingRounds = 0 },
        FastTreeOptions o => o with { NumberOfTrees = rounds, EarlyStoppingRounds = 0 },
        _ => options,
    };

    // LightGBM trains natively on OpenMP threads: every fit, of any thread count, runs on one thread of the process, one at a
    // time (OpenMpThread says why: its thread count is a process-wide setting, and its OpenMP team belongs to the caller).
    private ITransformer FitEstimator(IEstimator<ITransformer> estimator, MatrixDataView view) =>
        _options is LightGbmOptions ? OpenMpThread.Run(() => estimator.Fit(view)) : estimator.Fit(view);

    // The example-weight column when the training rows carry weights; null (no weights) otherwise.
    private static string? WeightColumn(bool weighted) => weighted ? MlNetData.Weight : null;

    private IEstimator<ITransformer> Estimator(MLContext ml, int seed, object options, bool weighted) => options switch
    {
        LinearOptions o => Linear(ml, o, weighted),
        LightGbmOptions o => LightGbm(ml, o, seed, weighted),
        FastTreeOptions o => FastTree(ml, o, seed, weighted),
        FastForestOptions o => FastForest(ml, o, seed, weighted),
        _ => throw new InvalidOperationException($"No estimator for {options.GetType().Name}."),
    };

    private IEstimator<ITransformer> Linear(MLContext ml, LinearOptions o, bool weighted) => _task switch
    {
        // No L1 and single-threaded: sklearn-like L2 logistic regression, reproducible bit for bit.
        TaskKind.Binary => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            L1Regularization = 0, L2Regularization = (float)o.L2Regularization,
            MaximumNumberOfIterations = o.MaximumNumberOfIterations, NumberOfThreads = 1, ExampleWeightColumnName = WeightColumn(weighted),
        }),
        TaskKind.Multiclass => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            L1Regularization = 0, L2Regularization = (float)o.L2Regularization,
            MaximumNumberOfIterations = o.MaximumNumberOfIterations, NumberOfThreads = 1, ExampleWeightColumnName = WeightColumn(weighted),
        }),
        _ => throw new InvalidOperationException("Linear regression is solved as ridge, not by ML.NET."),
    };

    private IEstimator<ITransformer> LightGbm(MLContext ml, LightGbmOptions o, int seed, bool weighted)
    {
        // Deterministic mode with a fixed thread count and a fixed histogram layout (row-wise; LightGBM's own choice is
        // made by timing both, which can differ between runs): the same seed and thread count give the same trees.
        var booster = new GradientBooster.Options
        {
            L2Regularization = o.L2Regularization, MaximumTreeDepth = o.MaximumTreeDepth, MinimumChildWeight = o.MinimumChildWeight,
        };
        var threads = Threads(o);
        return _task switch
        {
            TaskKind.Binary => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                NumberOfIterations = o.NumberOfIterations, LearningRate = o.LearningRate, NumberOfLeaves = o.NumberOfLeaves,
                MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed, NumberOfThreads = threads, Deterministic = true,
                ForceRowWise = true, Booster = booster, MaximumBinCountPerFeature = o.MaximumBinCount, UseCategoricalSplit = o.CategoricalSplit,
                ExampleWeightColumnName = WeightColumn(weighted), MinimumExampleCountPerGroup = o.MinimumExampleCountPerGroup,
                MaximumCategoricalSplitPointCount = o.MaximumCategoricalSplitPointCount, CategoricalSmoothing = o.CategoricalSmoothing,
                L2CategoricalRegularization = o.CategoricalL2Regularization,
            }),
            TaskKind.Multiclass => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                NumberOfIterations = o.NumberOfIterations, LearningRate = o.LearningRate, NumberOfLeaves = o.NumberOfLeaves,
                MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed, NumberOfThreads = threads, Deterministic = true,
                ForceRowWise = true, Booster = booster, MaximumBinCountPerFeature = o.MaximumBinCount, UseCategoricalSplit = o.CategoricalSplit,
                ExampleWeightColumnName = WeightColumn(weighted), MinimumExampleCountPerGroup = o.MinimumExampleCountPerGroup,
                MaximumCategoricalSplitPointCount = o.MaximumCategoricalSplitPointCount, CategoricalSmoothing = o.CategoricalSmoothing,
                L2CategoricalRegularization = o.CategoricalL2Regularization,
                UseSoftmax = true,
            }),
            _ => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                NumberOfIterations = o.NumberOfIterations, LearningRate = o.LearningRate, NumberOfLeaves = o.NumberOfLeaves,
                MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed, NumberOfThreads = threads, Deterministic = true,
                ForceRowWise = true, Booster = booster, MaximumBinCountPerFeature = o.MaximumBinCount, UseCategoricalSplit = o.CategoricalSplit,
                ExampleWeightColumnName = WeightColumn(weighted), MinimumExampleCountPerGroup = o.MinimumExampleCountPerGroup,
                MaximumCategoricalSplitPointCount = o.MaximumCategoricalSplitPointCount, CategoricalSmoothing = o.CategoricalSmoothing,
                L2CategoricalRegularization = o.CategoricalL2Regularization,
            }),
        };
    }

    private IEstimator<ITransformer> FastTree(MLContext ml, FastTreeOptions o, int seed, bool weighted)
    {
        if (_task == TaskKind.Regression)
        {
            return ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            {
                NumberOfTrees = o.NumberOfTrees, NumberOfLeaves = o.NumberOfLeaves, LearningRate = o.LearningRate,
                MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed, ExampleWeightColumnName = WeightColumn(weighted),
            });
        }
        var binary = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = o.NumberOfTrees, NumberOfLeaves = o.NumberOfLeaves, LearningRate = o.LearningRate,
            MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed, ExampleWeightColumnName = WeightColumn(weighted),
        });
        return _task == TaskKind.Binary ? binary : ml.MulticlassClassification.Trainers.OneVersusAll(binary, useProbabilities: true);
    }

    private IEstimator<ITransformer> FastForest(MLContext ml, FastForestOptions o, int seed, bool weighted)
    {
        // Classifier forests are calibrated on held-out rows (ForestCalibration); only regression comes here.
        if (_task != TaskKind.Regression) throw new InvalidOperationException("Forest classifiers are fitted by ForestCalibration.");
        return ml.Regression.Trainers.FastForest(new FastForestRegressionTrainer.Options
        {
            NumberOfTrees = o.NumberOfTrees, NumberOfLeaves = o.NumberOfLeaves, FeatureFraction = o.FeatureFraction, FeatureFractionPerSplit = o.FeatureFraction,
            MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed, ExampleWeightColumnName = WeightColumn(weighted),
        });
    }

    private static FastForestBinaryTrainer Forest(MLContext ml, FastForestOptions o, int seed, bool weighted) =>
        ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
        {
            NumberOfTrees = o.NumberOfTrees, NumberOfLeaves = o.NumberOfLeaves, FeatureFraction = o.FeatureFraction, FeatureFractionPerSplit = o.FeatureFraction,
            MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed, ExampleWeightColumnName = WeightColumn(weighted),
        });
}
