using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Featurization;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Keel.Training.MlNet;

/// <summary>A random forest whose Platt calibration is fitted on rows the forest did not learn from (binary, or each
/// one-versus-rest forest of a multiclass model).</summary>
/// <remarks>A forest scores its own train rows too confidently, so calibrating on them gives over-confident probabilities.
/// With a validation set the calibration is fitted on its scores; without one (the refit), on out-of-fold scores of
/// <see cref="Folds"/> forests each trained without one fold (cross-fitting).</remarks>
internal static class ForestCalibration
{
    /// <summary>Folds used for cross-fitting when there is no validation set.</summary>
    public const int Folds = 3;

    private sealed class Scored
    {
        public bool Label;
        public float Score;
    }

    public static ITransformer Fit(MLContext ml, FastForestBinaryTrainer forest, FeatureMatrix rows, EncodedLabels labels,
        IDataView train, IDataView? validation, int seed)
    {
        var model = forest.Fit(train);
        var held = validation is not null ? Read(model.Transform(validation)) : OutOfFold(ml, forest, rows, labels, seed);
        var platt = ml.BinaryClassification.Calibrators.Platt().Fit(ml.Data.LoadFromEnumerable(held));
        return model.Append(platt);
    }

    /// <summary>One-versus-rest forests (raw scores) and each class's Platt scaling fitted on held-out scores, as for binary.</summary>
    public static (ITransformer Model, ClassCalibration Calibration) FitMulticlass(MLContext ml, FastForestBinaryTrainer forest,
        FeatureMatrix rows, EncodedLabels labels, int classCount, IDataView train, IDataView? validation, int seed)
    {
        var ova = ml.MulticlassClassification.Trainers.OneVersusAll(forest, useProbabilities: false);
        var model = ova.Fit(train);
        var held = validation is not null ? ReadScores(model.Transform(validation), classCount) : [];
        if (validation is null)
        {
            foreach (var (fold, rest) in FoldsOf(rows.RowCount, seed))
            {
                var foldModel = ova.Fit(new MatrixDataView(rows, TaskKind.Multiclass, classCount, labels, null, rest));
                held.AddRange(ReadScores(foldModel.Transform(new MatrixDataView(rows, TaskKind.Multiclass, classCount, labels, null, fold)), classCount));
            }
        }
        var slopes = new double[classCount];
        var offsets = new double[classCount];
        for (var k = 0; k < classCount; k++)
        {
            var one = held.Select(h => new Scored { Label = h.Label == k, Score = h.Scores[k] }).ToList();
            ISingleFeaturePredictionTransformer<PlattCalibrator> fitted = ml.BinaryClassification.Calibrators.Platt().Fit(ml.Data.LoadFromEnumerable(one));
            var platt = fitted.Model;
            (slopes[k], offsets[k]) = (platt.Slope, platt.Offset);
        }
        return (model, new ClassCalibration(slopes, offsets));
    }

    private static List<(int Label, float[] Scores)> ReadScores(IDataView scored, int classCount) =>
        scored.GetColumn<uint>(MlNetData.Label).Zip(scored.GetColumn<VBuffer<float>>("Score"), (y, s) =>
        {
            if (s.Length != classCount) throw new InvalidOperationException($"ML.NET returned {s.Length} scores for {classCount} classes.");
            return ((int)y - 1, s.DenseValues().ToArray());
        }).ToList();

    private static List<Scored> Read(IDataView scored) =>
        scored.GetColumn<bool>(MlNetData.Label).Zip(scored.GetColumn<float>("Score"), (y, s) => new Scored { Label = y, Score = s }).ToList();

    private static List<Scored> OutOfFold(MLContext ml, FastForestBinaryTrainer forest, FeatureMatrix rows, EncodedLabels labels, int seed)
    {
        var held = new List<Scored>(rows.RowCount);
        foreach (var (fold, rest) in FoldsOf(rows.RowCount, seed))
        {
            var model = forest.Fit(new MatrixDataView(rows, TaskKind.Binary, 2, labels, null, rest));
            held.AddRange(Read(model.Transform(new MatrixDataView(rows, TaskKind.Binary, 2, labels, null, fold))));
        }
        return held;
    }

    /// <summary>The seeded folds of <paramref name="rowCount"/> rows: each fold's rows and the rest (both in row order).</summary>
    private static IEnumerable<(int[] Fold, int[] Others)> FoldsOf(int rowCount, int seed)
    {
        var order = Enumerable.Range(0, rowCount).ToArray();
        new Random(seed).Shuffle(order);
        for (var f = 0; f < Folds; f++)
        {
            var fold = order.Where((_, i) => i % Folds == f).Order().ToArray();
            var rest = order.Where((_, i) => i % Folds != f).Order().ToArray();
            if (fold.Length > 0 && rest.Length > 0) yield return (fold, rest);
        }
    }
}
