using System.Reflection;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Featurization;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Keel.Training.MlNet;

/// <summary>
/// Predicts with a trained ML.NET tree ensemble (LightGBM, FastTree, FastForest; binary, multiclass or regression) straight
/// from a <see cref="FeatureMatrix"/>, its rows shared out in blocks to all cores: the same outputs, bit for bit, as ML.NET's
/// own scoring (TreeScorerTests), which reads each row as a sparse vector and binary-searches it at every split on one
/// consolidating pipeline (and a multiclass model's classes in a parallel loop per row). On flights-3m's million test rows
/// it takes about a fifth of ML.NET's time, a little less than XGBoost's (bench/results.md, "Tree prediction").
/// </summary>
/// <remarks>Each row adds a model's trees' outputs in tree order into a double and rounds the sum to float, as ML.NET's
/// ensemble does; a FastForest regression divides that float by its tree count. A binary probability is its calibrator's
/// (the calibrator object itself is asked); a multiclass model's class scores are combined by the formula of ML.NET's
/// one-versus-all model (softmax for LightGBM, normalised calibrated probabilities for FastTree, raw scores for FastForest,
/// which Keel calibrates per class), in ML.NET's own float and double steps. Shapes it does not know (linear models, other
/// tree objectives), and rows with a missing value (which ML.NET's trees send by a per-node default this code cannot read),
/// are left to ML.NET.</remarks>
internal sealed class TreeScorer
{
    /// <summary>Most rows in one block of the work shared out to threads.</summary>
    private const int MaxBlockRows = 64;

    /// <summary>How the per-model sums become outputs.</summary>
    private enum Output
    {
        /// <summary>Regression: the sum.</summary>
        Sum,
        /// <summary>FastForest regression: the sum over the tree count.</summary>
        Mean,
        /// <summary>Binary: the calibrator's probability of the sum.</summary>
        Probability,
        /// <summary>One-versus-all's raw per-class scores (FastForest; Keel's class calibration follows).</summary>
        Raw,
        /// <summary>One-versus-all's per-class calibrated probabilities, clamped at 0 and normalised (FastTree).</summary>
        Normalised,
        /// <summary>One-versus-all's softmax of the raw per-class scores (LightGBM).</summary>
        Softmax,
    }

    private readonly FlatTree[][] _models;
    private readonly ICalibrator[] _calibrators;
    private readonly Output _output;
    private readonly TaskKind _task;
    private readonly int[] _categorical;

    private TreeScorer(FlatTree[][] models, ICalibrator[] calibrators, Output output, TaskKind task)
    {
        _models = models;
        _calibrators = calibrators;
        _output = output;
        _task = task;
        _categorical = FlatTree.CategoricalSlots(models.SelectMany(m => m));
    }

    /// <summary>The scorer of <paramref name="transformer"/>, or null when its shape is not one this class scores exactly as ML.NET.</summary>
    public static TreeScorer? For(ITransformer transformer, TaskKind task)
    {
        if (task == TaskKind.Binary && transformer is IEnumerable<ITransformer> chain)
        {
            // FastForest (ForestCalibration): the forest's score, then a calibrator transformer's probability of it.
            return chain.ToList() is [IPredictionTransformer<object> { Model: FastForestBinaryModelParameters forest }, IPredictionTransformer<ICalibrator> { Model: var platt }]
                ? Of([Trees(forest.TrainedTreeEnsemble)], [platt], Output.Probability, task)
                : null;
        }
        if (transformer is not IPredictionTransformer<object> { Model: var model }) return null;
        switch (task)
        {
            case TaskKind.Regression:
                return model switch
                {
                    LightGbmRegressionModelParameters or FastTreeRegressionModelParameters =>
                        Of([Trees(((TreeEnsembleModelParametersBasedOnRegressionTree)model).TrainedTreeEnsemble)], [], Output.Sum, task),
                    FastForestRegressionModelParameters forest => Of([Trees(forest.TrainedTreeEnsemble)], [], Output.Mean, task),
                    _ => null,
                };
            case TaskKind.Binary:
            {
                // LightGBM and FastTree: a calibrated model whose probability is its calibrator's of the ensemble's score.
                var (trees, calibrator) = Calibrated(model);
                return calibrator is not null ? Of([trees], [calibrator], Output.Probability, task) : null;
            }
            default:
            {
                // One-versus-all keeps its per-class models and its output formula internal in ML.NET 5: read both by reflection.
                var output = model.GetType().GetField("_impl", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(model)?.GetType().Name switch
                {
                    "ImplRaw" => Output.Raw,
                    "ImplDist" => Output.Normalised,
                    "ImplSoftmax" => Output.Softmax,
                    _ => (Output?)null,
                };
                if (output is not { } formula || TreeMember.PerClassModels(model) is not { } subs) return null;
                var members = subs
                    .Select(sub => sub is FastForestBinaryModelParameters raw ? (Trees: Trees(raw.TrainedTreeEnsemble), Calibrator: (ICalibrator?)null) : Calibrated(sub)).ToList();
                if (formula == Output.Normalised && members.Any(m => m.Calibrator is null)) return null;
                return Of([.. members.Select(m => m.Trees)], formula == Output.Normalised ? [.. members.Select(m => m.Calibrator!)] : [], formula, task);
            }
        }
    }

    // A LightGBM or FastTree binary model's trees with its calibrator (both null for any other model).
    private static (FlatTree[]? Trees, ICalibrator? Calibrator) Calibrated(object model)
    {
        var sub = TreeMember.Property<TreeEnsembleModelParametersBasedOnRegressionTree>(model, "SubModel");
        var calibrator = TreeMember.Property<ICalibrator>(model, "Calibrator");
        return sub is LightGbmBinaryModelParameters or FastTreeBinaryModelParameters && calibrator is not null ? (Trees(sub.TrainedTreeEnsemble), calibrator) : (null, null);
    }

    // ML.NET's ensemble adds leaf values with no tree weights and no bias, so only an ensemble whose weights are 1 and bias 0
    // is read (both readings then agree); null otherwise.
    private static FlatTree[]? Trees<T>(TreeEnsemble<T> ensemble) where T : RegressionTreeBase =>
        ensemble.Bias == 0 && ensemble.TreeWeights.All(w => w == 1) ? [.. ensemble.Trees.Select(t => FlatTree.Of(t, 1))] : null;

    private static TreeScorer? Of(FlatTree[]?[] models, ICalibrator[] calibrators, Output output, TaskKind task) =>
        models.Length > 0 && models.All(m => m is not null) ? new TreeScorer([.. models.Select(m => m!)], calibrators, output, task) : null;

    /// <summary>The predictions for <paramref name="rows"/>, or null when a row holds a missing value (ML.NET then scores them).</summary>
    /// <param name="rows">The featurised rows.</param>
    /// <param name="classes">The model's classes.</param>
    /// <param name="calibration">Keel's per-class calibration of raw one-versus-all scores (a FastForest multiclass model).</param>
    public Predictions? Predict(FeatureMatrix rows, IReadOnlyList<string> classes, ClassCalibration? calibration = null)
    {
        if (rows.HasMissing()) return null;
        var k = _models.Length;
        var scores = new float[rows.RowCount * k];
        // Each worker keeps the per-row, per-model sums of a block beside its rows.
        DenseRowBlock.ForEach(rows, MaxBlockRows, _categorical, capacity => new double[capacity * k],
            (block, sums, from, count) => Score(block, sums, count, scores.AsSpan(from * k, count * k)));
        switch (_task)
        {
            case TaskKind.Regression:
                return new Predictions { Task = _task, Values = Array.ConvertAll(scores, s => (double)s) };
            case TaskKind.Binary:
            {
                var p = new double[scores.Length][];
                for (var i = 0; i < scores.Length; i++)
                {
                    var probability = _calibrators[0].PredictProbability(scores[i]);
                    p[i] = [1 - (double)probability, probability];
                }
                return new Predictions { Task = _task, Classes = classes, Probabilities = p };
            }
            default:
            {
                var p = new double[rows.RowCount][];
                var buffer = new float[k];
                for (var i = 0; i < p.Length; i++)
                {
                    ClassScores(scores.AsSpan(i * k, k), buffer);
                    p[i] = calibration?.Row(buffer, classes.Count) ?? MlNetData.MulticlassRow(buffer, classes.Count);
                }
                return new Predictions { Task = _task, Classes = classes, Probabilities = p };
            }
        }
    }

    // One row's class scores as ML.NET's one-versus-all model outputs them (its "Score" column) from the raw per-class sums.
    private void ClassScores(ReadOnlySpan<float> raw, float[] into)
    {
        switch (_output)
        {
            case Output.Softmax:
            {
                // OneVersusAllModelParameters.ImplSoftmax.NormalizeSoftmax: each class's exp once, in double, then over their sum.
                Span<double> e = raw.Length <= 256 ? stackalloc double[raw.Length] : new double[raw.Length];
                double sum = 0;
                for (var c = 0; c < raw.Length; c++) sum += e[c] = Math.Exp(raw[c]);
                for (var c = 0; c < raw.Length; c++) into[c] = (float)(e[c] / sum);
                return;
            }
            case Output.Normalised:
            {
                // ImplDist.NormalizeSumToOne over the calibrated probabilities: NaN left out (and left), negatives to 0.
                double sum = 0;
                for (var c = 0; c < raw.Length; c++)
                {
                    var value = _calibrators[c].PredictProbability(raw[c]);
                    if (value >= 0) sum += value;
                    else if (!float.IsNaN(value)) value = 0;
                    into[c] = value;
                }
                if (sum > 0)
                {
                    for (var c = 0; c < raw.Length; c++) into[c] = (float)(into[c] / sum);
                }
                return;
            }
            default:
                raw.CopyTo(into);
                return;
        }
    }

    // Tree by tree over the block's rows, so a tree is read once per block; each row still adds a model's trees in order.
    private void Score(DenseRowBlock block, double[] buffer, int count, Span<float> into)
    {
        var k = _models.Length;
        var sums = buffer.AsSpan(0, count * k);
        sums.Clear();
        for (var m = 0; m < k; m++)
        {
            foreach (var tree in _models[m])
            {
                for (var i = 0; i < count; i++) sums[i * k + m] += tree.Evaluate(block.Row(i), block.Positive(i));
            }
        }
        for (var j = 0; j < sums.Length; j++) into[j] = _output == Output.Mean ? (float)sums[j] / _models[0].Length : (float)sums[j];
    }
}
