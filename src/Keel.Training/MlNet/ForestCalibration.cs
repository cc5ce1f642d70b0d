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
        public float Weight = 1;
    }

    // Weighted training rows (class or row weights) weight the calibration's held-out rows too; otherwise Platt scaling would map the
    // weighted forest's scores back to the unweighted class rates and undo the weights' effect on decisions.
    private static bool Weighted(IDataView view) => view.Schema.GetColumnOrNull(MlNetData.Weight) is not null;

    private static IEstimator<ISingleFeaturePredictionTransformer<PlattCalibrator>> Platt(MLContext ml, bool weighted) =>
        ml.BinaryClassification.Calibrators.Platt(exampleWeightColumnName: weighted ? MlNetData.Weight : null);

    private static float[] Weights(IDataView scored, int rows) =>
        Weighted(scored) ? scored.GetColumn<float>(MlNetData.Weight).ToArray() : Enumerable.Repeat(1f, rows).ToArray();

    public static ITransformer Fit(MLContext ml, FastForestBinaryTrainer forest, MatrixDataView train, IDataView? validation, int seed)
    {
        var model = forest.Fit(train);
        var held = validation is not null ? Read(model.Transform(validation)) : OutOfFold(forest, train, seed);
        var platt = Platt(ml, Weighted(train)).Fit(ml.Data.LoadFromEnumerable(held));
        return model.Append(platt);
    }

    /// <summary>One-versus-rest forests (raw scores) and each class's Platt scaling fitted on held-out scores, as for binary.</summary>
    public static (ITransformer Model, ClassCalibration Calibration) FitMulticlass(MLContext ml, FastForestBinaryTrainer forest,
        int classCount, MatrixDataView train, IDataView? validation, int seed)
    {
        var ova = ml.MulticlassClassification.Trainers.OneVersusAll(forest, useProbabilities: false);
        var model = ova.Fit(train);
        var held = validation is not null ? ReadScores(model.Transform(validation), classCount) : [];
        if (validation is null)
        {
            foreach (var (fold, rest) in FoldsOf((int)train.GetRowCount()!.Value, seed))
            {
                var foldModel = ova.Fit(train.Subset(rest));
                held.AddRange(ReadScores(foldModel.Transform(train.Subset(fold)), classCount));
            }
        }
        var slopes = new double[classCount];
        var offsets = new double[classCount];
        for (var k = 0; k < classCount; k++)
        {
            var one = held.Select(h => new Scored { Label = h.Label == k, Score = h.Scores[k], Weight = h.Weight }).ToList();
            var fitted = Platt(ml, Weighted(train)).Fit(ml.Data.LoadFromEnumerable(one));
            var platt = fitted.Model;
            (slopes[k], offsets[k]) = (platt.Slope, platt.Offset);
        }
        return (model, new ClassCalibration(slopes, offsets));
    }

    private static List<(int Label, float[] Scores, float Weight)> ReadScores(IDataView scored, int classCount)
    {
        var rows = scored.GetColumn<uint>(MlNetData.Label).Zip(scored.GetColumn<VBuffer<float>>("Score"), (y, s) =>
        {
            if (s.Length != classCount) throw new InvalidOperationException($"ML.NET returned {s.Length} scores for {classCount} classes.");
            return ((int)y - 1, s.DenseValues().ToArray());
        }).ToList();
        var weights = Weights(scored, rows.Count);
        return rows.Select((r, i) => (r.Item1, r.Item2, weights[i])).ToList();
    }

    private static List<Scored> Read(IDataView scored)
    {
        var rows = scored.GetColumn<bool>(MlNetData.Label).Zip(scored.GetColumn<float>("Score"), (y, s) => new Scored { Label = y, Score = s }).ToList();
        var weights = Weights(scored, rows.Count);
        for (var i = 0; i < rows.Count; i++) rows[i].Weight = weights[i];
        return rows;
    }

    private static List<Scored> OutOfFold(FastForestBinaryTrainer forest, MatrixDataView train, int seed)
    {
        var rowCount = (int)train.GetRowCount()!.Value;
        var held = new List<Scored>(rowCount);
        foreach (var (fold, rest) in FoldsOf(rowCount, seed))
        {
            var model = forest.Fit(train.Subset(rest));
            held.AddRange(Read(model.Transform(train.Subset(fold))));
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
