using Keel.Core;
using Keel.Core.Data;
using Keel.Training.Featurization;
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
    public IReadOnlyDictionary<string, string> EffectiveParams { get; }

    public FitResult Fit(TrainingData train, TrainingData? validation, TrainContext context)
    {
        var classes = train.Labels.Classes;
        if (_task != TaskKind.Regression && (train.Labels.ClassIndices is null || classes.Count < 2))
            throw new KeelInputException($"{_where}: {context.SourceName} needs at least two label classes to train a classifier.");
        if (train.Features.RowCount == 0)
            throw new KeelInputException($"{_where}: {context.SourceName} has no training rows.");

        var state = Featurizer.Fit(train.Features, new FeaturizerOptions
        {
            Standardize = _options is LinearOptions,
            DateParts = context.DateParts ?? new Dictionary<string, IReadOnlyList<string>>(),
        });
        var x = Featurizer.Transform(state, train.Features);
        var ml = new MLContext(context.Seed);
        var view = MlNetData.Create(ml, _task, classes.Count, x, train.Labels);
        var transformer = Estimator(ml, context.Seed, x.Length).Fit(view);
        var model = new MlNetModel(new ModelHeader(Type, _task, classes, EffectiveParams), state, ml, transformer);

        LossCurve? curve = null;
        if (_options is LightGbmOptions or FastTreeOptions)
        {
            var vx = validation is null ? null : Featurizer.Transform(state, validation.Features);
            curve = StagedLoss.Compute(transformer, _task, softmax: _options is LightGbmOptions, x, train.Labels, vx, validation?.Labels);
        }
        return new FitResult(model, curve);
    }

    private IEstimator<ITransformer> Estimator(MLContext ml, int seed, int rowCount) => _options switch
    {
        LinearOptions o => Linear(ml, o, rowCount),
        LightGbmOptions o => LightGbm(ml, o, seed),
        FastTreeOptions o => FastTree(ml, o, seed),
        FastForestOptions o => FastForest(ml, o, seed),
        _ => throw new InvalidOperationException($"No estimator for {_options.GetType().Name}."),
    };

    private IEstimator<ITransformer> Linear(MLContext ml, LinearOptions o, int rowCount) => _task switch
    {
        // No L1 and single-threaded: sklearn-like L2 logistic regression, reproducible bit for bit.
        TaskKind.Binary => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            L1Regularization = 0, L2Regularization = (float)o.L2Regularization,
            MaximumNumberOfIterations = o.MaximumNumberOfIterations, NumberOfThreads = 1,
        }),
        TaskKind.Multiclass => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            L1Regularization = 0, L2Regularization = (float)o.L2Regularization,
            MaximumNumberOfIterations = o.MaximumNumberOfIterations, NumberOfThreads = 1,
        }),
        // SDCA's L2 weight multiplies the mean loss, L-BFGS's the summed loss: divide by n so the option means the same.
        _ => ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
        {
            L1Regularization = 0, L2Regularization = (float)(o.L2Regularization / Math.Max(1, rowCount)),
            MaximumNumberOfIterations = o.MaximumNumberOfIterations, NumberOfThreads = 1, Shuffle = false,
        }),
    };

    private IEstimator<ITransformer> LightGbm(MLContext ml, LightGbmOptions o, int seed)
    {
        // One thread and deterministic mode: LightGBM's multi-threaded histograms can differ between runs and machines.
        var booster = new GradientBooster.Options { L2Regularization = o.L2Regularization };
        return _task switch
        {
            TaskKind.Binary => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                NumberOfIterations = o.NumberOfIterations, LearningRate = o.LearningRate, NumberOfLeaves = o.NumberOfLeaves,
                MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed, NumberOfThreads = 1, Deterministic = true, Booster = booster,
            }),
            TaskKind.Multiclass => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                NumberOfIterations = o.NumberOfIterations, LearningRate = o.LearningRate, NumberOfLeaves = o.NumberOfLeaves,
                MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed, NumberOfThreads = 1, Deterministic = true, Booster = booster,
                UseSoftmax = true,
            }),
            _ => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                NumberOfIterations = o.NumberOfIterations, LearningRate = o.LearningRate, NumberOfLeaves = o.NumberOfLeaves,
                MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed, NumberOfThreads = 1, Deterministic = true, Booster = booster,
            }),
        };
    }

    private IEstimator<ITransformer> FastTree(MLContext ml, FastTreeOptions o, int seed)
    {
        if (_task == TaskKind.Regression)
        {
            return ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            {
                NumberOfTrees = o.NumberOfTrees, NumberOfLeaves = o.NumberOfLeaves, LearningRate = o.LearningRate,
                MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed,
            });
        }
        var binary = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = o.NumberOfTrees, NumberOfLeaves = o.NumberOfLeaves, LearningRate = o.LearningRate,
            MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed,
        });
        return _task == TaskKind.Binary ? binary : ml.MulticlassClassification.Trainers.OneVersusAll(binary, useProbabilities: true);
    }

    private IEstimator<ITransformer> FastForest(MLContext ml, FastForestOptions o, int seed)
    {
        if (_task == TaskKind.Regression)
        {
            return ml.Regression.Trainers.FastForest(new FastForestRegressionTrainer.Options
            {
                NumberOfTrees = o.NumberOfTrees, NumberOfLeaves = o.NumberOfLeaves,
                MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed,
            });
        }
        var binary = ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
        {
            NumberOfTrees = o.NumberOfTrees, NumberOfLeaves = o.NumberOfLeaves,
            MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, Seed = seed,
        });
        // A forest's score is not a probability: Platt-calibrate it on the train rows (one-versus-all does so per class).
        return _task == TaskKind.Binary
            ? binary.Append(ml.BinaryClassification.Calibrators.Platt())
            : ml.MulticlassClassification.Trainers.OneVersusAll(binary, useProbabilities: true);
    }
}
