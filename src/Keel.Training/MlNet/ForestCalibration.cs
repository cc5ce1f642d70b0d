using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Featurization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Keel.Training.MlNet;

/// <summary>A binary random forest whose Platt calibration is fitted on rows the forest did not learn from.</summary>
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

    private static List<Scored> Read(IDataView scored) =>
        scored.GetColumn<bool>(MlNetData.Label).Zip(scored.GetColumn<float>("Score"), (y, s) => new Scored { Label = y, Score = s }).ToList();

    private static List<Scored> OutOfFold(MLContext ml, FastForestBinaryTrainer forest, FeatureMatrix rows, EncodedLabels labels, int seed)
    {
        var order = Enumerable.Range(0, rows.RowCount).ToArray();
        new Random(seed).Shuffle(order);
        var held = new List<Scored>(rows.RowCount);
        for (var f = 0; f < Folds; f++)
        {
            var fold = order.Where((_, i) => i % Folds == f).Order().ToArray();
            var rest = order.Where((_, i) => i % Folds != f).Order().ToArray();
            if (fold.Length == 0 || rest.Length == 0) continue;
            var model = forest.Fit(new MatrixDataView(rows, TaskKind.Binary, 2, labels, null, rest));
            held.AddRange(Read(model.Transform(new MatrixDataView(rows, TaskKind.Binary, 2, labels, null, fold))));
        }
        return held;
    }
}
