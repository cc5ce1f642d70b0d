using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Featurization;
using Microsoft.ML;
using Microsoft.ML.Calibrators;

namespace Keel.Training.MlNet;

/// <summary>Per-iteration losses of a trained tree ensemble, from staged sums of its first k trees.</summary>
/// <remarks>The final calibrator (binary), softmax (LightGBM multiclass) or per-class calibrators plus normalisation
/// (one-versus-all) are applied to every stage, so the last point equals the loss of the model's own predictions.
/// Each curve is computed on at most <see cref="MaxRows"/> rows (a seeded sample), in blocks of rows on several threads; the
/// per-row losses are summed in row order, so the curve is the same bit for bit whatever the thread count.</remarks>
internal static class StagedLoss
{
    /// <summary>Most rows a curve is computed on; larger sets are sampled (seeded), which keeps the cost bounded at scale.</summary>
    public const int MaxRows = 100_000;

    /// <summary>Per-row losses held at once by one block of rows (rows times stages); bounds a block's loss buffer at 1 MiB.</summary>
    private const int BlockValues = 1 << 17;

    /// <summary>Most rows in one block.</summary>
    private const int MaxBlockRows = 256;

    /// <summary>The curve, or null when the model's shape is not one this code can stage.</summary>
    /// <remarks>With <paramref name="softmax"/>, a multiclass model is a softmax over raw per-class scores (LightGBM)
    /// rather than normalised per-class calibrated probabilities (one-versus-all). The rows are shared out to
    /// <paramref name="threads"/> threads; the curve does not depend on how many.</remarks>
    public static LossCurve? Compute(ITransformer transformer, TaskKind task, bool softmax, FeatureMatrix train, EncodedLabels trainLabels,
        FeatureMatrix? validation, EncodedLabels? validationLabels, int seed, int threads)
    {
        if (transformer is not IPredictionTransformer<object> { Model: { } model }) return null;
        var members = TreeMember.Read(model, task);
        if (members is null || members.Count == 0) return null;
        // LightGBM's per-class models carry calibrators, but its softmax output reads their raw scores.
        if (softmax && task == TaskKind.Multiclass) members = members.Select(m => m with { Calibrator = null }).ToList();
        var flat = members.Select(m => m.Ensemble.Trees.Select((t, i) => FlatTree.Of(t, m.Ensemble.TreeWeights[i])).ToArray()).ToArray();

        // A class absent from the training rows gets one placeholder tree where the others get one per round (ML.NET's LightGBM
        // multiclass): a member with fewer trees adds them in its first stages and is whole from then on.
        var stages = flat.Max(ts => ts.Length);
        var trainLoss = Stage(members, flat, stages, task, train, Sample(train.RowCount, seed), trainLabels, threads);
        var validLoss = validation is null || validationLabels is null ? null
            : Stage(members, flat, stages, task, validation, Sample(validation.RowCount, seed), validationLabels, threads);
        var points = new LossPoint[stages];
        for (var k = 0; k < stages; k++) points[k] = new LossPoint(k + 1, trainLoss[k], validLoss?[k]);
        return new LossCurve(task == TaskKind.Regression ? "rmse" : "log_loss", points);
    }

    /// <summary>All rows, or <see cref="MaxRows"/> of them drawn without replacement (seeded) and kept in order.</summary>
    public static int[] Sample(int rowCount, int seed)
    {
        var all = Enumerable.Range(0, rowCount).ToArray();
        if (rowCount <= MaxRows) return all;
        var rng = new Random(seed);
        for (var i = 0; i < MaxRows; i++)
        {
            var j = rng.Next(i, rowCount);
            (all[i], all[j]) = (all[j], all[i]);
        }
        var sample = all[..MaxRows];
        Array.Sort(sample);
        return sample;
    }

    // Blocks of rows on up to `threads` threads, each block writing its rows' per-stage losses into its own buffer; the
    // buffers are then added into sums[k] in row order, so the sums are those of one thread going row by row.
    private static double[] Stage(List<TreeMember> members, FlatTree[][] trees, int stages, TaskKind task, FeatureMatrix x, int[] rows, EncodedLabels labels,
        int threads)
    {
        var sums = new double[stages];
        var blockRows = Math.Max(1, Math.Min(BlockValues / Math.Max(1, stages), DenseRowBlock.RowsFor(x.Width, MaxBlockRows)));
        var blocks = (rows.Length + blockRows - 1) / blockRows;
        var wave = Math.Min(blocks, Math.Max(1, threads) * 2);
        var categorical = FlatTree.CategoricalSlots(trees.SelectMany(ts => ts));
        var blockSpaces = new Block[wave];
        for (var b = 0; b < wave; b++) blockSpaces[b] = new Block(blockRows, stages, x.Width, members.Count, categorical);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        for (var first = 0; first < blocks; first += wave)
        {
            var count = Math.Min(wave, blocks - first);
            Parallel.For(0, count, parallel, b =>
            {
                var from = (first + b) * blockRows;
                blockSpaces[b].Stage(members, trees, stages, task, x, rows.AsSpan(from, Math.Min(blockRows, rows.Length - from)), labels);
            });
            for (var b = 0; b < count; b++)
            {
                var n = Math.Min(blockRows, rows.Length - (first + b) * blockRows);
                var losses = blockSpaces[b].Terms;
                for (var i = 0; i < n; i++)
                {
                    for (var k = 0; k < stages; k++) sums[k] += losses[i * stages + k];
                }
            }
        }
        var total = Math.Max(1, rows.Length);
        for (var k = 0; k < stages; k++) sums[k] = task == TaskKind.Regression ? Math.Sqrt(sums[k] / total) : sums[k] / total;
        return sums;
    }

    /// <summary>One block's buffers, reused from block to block: its rows (<see cref="DenseRowBlock"/>), their running scores,
    /// and Terms[i * stages + k], row i's term at stage k (its squared error, or minus the log of its class's probability).</summary>
    private sealed class Block(int rows, int stages, int width, int members, int[] categorical)
    {
        private readonly DenseRowBlock _rows = new(rows, width, categorical);
        private readonly double[] _scores = new double[rows * members];
        private readonly double[] _probabilities = new double[members];

        public double[] Terms { get; } = new double[rows * stages];

        // Tree by tree over the block's rows, so a tree is read once per block; each row still adds its trees in order.
        public void Stage(List<TreeMember> trained, FlatTree[][] trees, int stages, TaskKind task, FeatureMatrix x, ReadOnlySpan<int> rows, EncodedLabels labels)
        {
            _rows.Load(x, rows);
            for (var i = 0; i < rows.Length; i++)
            {
                for (var m = 0; m < members; m++) _scores[i * members + m] = trained[m].Ensemble.Bias;
            }
            for (var k = 0; k < stages; k++)
            {
                for (var m = 0; m < members; m++)
                {
                    if (k >= trees[m].Length) continue;
                    var tree = trees[m][k];
                    for (var i = 0; i < rows.Length; i++) _scores[i * members + m] += tree.Weight * tree.Evaluate(_rows.Row(i), _rows.Positive(i));
                }
                for (var i = 0; i < rows.Length; i++)
                {
                    var r = rows[i];
                    var scores = _scores.AsSpan(i * members, members);
                    if (task == TaskKind.Regression)
                    {
                        var d = (float)scores[0] - labels.Values![r];
                        Terms[i * stages + k] = d * d;
                        continue;
                    }
                    var p = TrueClassProbability(trained, scores, task, labels.ClassIndices![r], _probabilities);
                    Terms[i * stages + k] = -Math.Log(Math.Clamp(p, Losses.Epsilon, 1));
                }
            }
        }
    }

    // The probability of class y, computed as the model computes all of them; `buffer` is reused across rows.
    private static double TrueClassProbability(List<TreeMember> members, ReadOnlySpan<double> scores, TaskKind task, int y, double[] buffer)
    {
        if (task == TaskKind.Binary)
        {
            double p = Platt(members[0].Calibrator!, (float)scores[0]);
            return y == 1 ? p : 1 - p;
        }
        double sum = 0;
        if (members[0].Calibrator is null)
        {
            // Softmax over the per-class raw scores, as LightGBM's multiclass model does.
            var max = double.NegativeInfinity;
            for (var m = 0; m < members.Count; m++) max = Math.Max(max, (float)scores[m]);
            for (var m = 0; m < members.Count; m++) sum += buffer[m] = Math.Exp((float)scores[m] - max);
        }
        else
        {
            for (var m = 0; m < members.Count; m++) sum += buffer[m] = Math.Max(0, Platt(members[m].Calibrator!, (float)scores[m]));
        }
        return sum > 0 ? buffer[y] / sum : 1.0 / members.Count;
    }

    private static float Platt(PlattCalibrator c, float score) => (float)(1 / (1 + Math.Exp(c.Slope * score + c.Offset)));
}
