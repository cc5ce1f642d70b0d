using System.Collections;
using System.Reflection;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Featurization;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;

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

    private sealed record Member(TreeEnsemble<RegressionTree> Ensemble, PlattCalibrator? Calibrator);

    /// <summary>Per-row losses held at once by one block of rows (rows times stages); bounds a block's loss buffer at 1 MiB.</summary>
    private const int BlockValues = 1 << 17;

    /// <summary>Slots of the rows held at once by one block (its rows are held dense); bounds those at 0.5 MiB, so wide
    /// one-hot matrices get blocks of fewer rows.</summary>
    private const int BlockSlots = 1 << 17;

    /// <summary>Most rows in one block.</summary>
    private const int MaxBlockRows = 256;

    /// <summary>One tree as arrays; <paramref name="Categories"/>[n] is non-null at a categorical split node: a bit per slot,
    /// set for the slots (one-hot categories) that send a row right when any of them is set.</summary>
    private sealed record FlatTree(int[] Features, float[] Thresholds, int[] Left, int[] Right, double[] Leaves, double Weight, ulong[]?[] Categories);

    /// <summary>The curve, or null when the model's shape is not one this code can stage.</summary>
    /// <remarks>With <paramref name="softmax"/>, a multiclass model is a softmax over raw per-class scores (LightGBM)
    /// rather than normalised per-class calibrated probabilities (one-versus-all). The rows are shared out to
    /// <paramref name="threads"/> threads; the curve does not depend on how many.</remarks>
    public static LossCurve? Compute(ITransformer transformer, TaskKind task, bool softmax, FeatureMatrix train, EncodedLabels trainLabels,
        FeatureMatrix? validation, EncodedLabels? validationLabels, int seed, int threads)
    {
        if (transformer is not IPredictionTransformer<object> { Model: { } model }) return null;
        var members = Members(model, task);
        if (members is null || members.Count == 0) return null;
        // LightGBM's per-class models carry calibrators, but its softmax output reads their raw scores.
        if (softmax && task == TaskKind.Multiclass) members = members.Select(m => m with { Calibrator = null }).ToList();
        var trees = members.Select(m => m.Ensemble.Trees.Select((t, i) => Flatten(t, m.Ensemble.TreeWeights[i])).ToArray()).ToArray();
        if (trees.Any(ts => ts is null || ts.Any(t => t is null))) return null;
        var flat = trees.Select(ts => ts.Select(t => t!).ToArray()).ToArray();

        var stages = flat.Min(ts => ts.Length);
        var trainLoss = Stage(members, flat, stages, task, train, Sample(train.RowCount, seed), trainLabels, threads);
        var validLoss = validation is null || validationLabels is null ? null
            : Stage(members, flat, stages, task, validation, Sample(validation.RowCount, seed), validationLabels, threads);
        var points = new LossPoint[stages];
        for (var k = 0; k < stages; k++) points[k] = new LossPoint(k + 1, trainLoss[k], validLoss?[k]);
        return new LossCurve(task == TaskKind.Regression ? "rmse" : "log_loss", points);
    }

    private static List<Member>? Members(object model, TaskKind task)
    {
        if (task != TaskKind.Multiclass) return AsMember(model) is { } m ? [m] : null;
        // One-versus-all keeps its per-class models internal in ML.NET 5; read them by reflection and degrade to no curve.
        var prop = model.GetType().GetProperty("SubModelParameters", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        if (prop?.GetValue(model) is not IEnumerable subs) return null;
        var list = new List<Member>();
        foreach (var sub in subs)
        {
            if (AsMember(sub) is not { } m) return null;
            list.Add(m);
        }
        return list;
    }

    private static Member? AsMember(object? model)
    {
        if (model is TreeEnsembleModelParametersBasedOnRegressionTree plain) return new Member(plain.TrainedTreeEnsemble, null);
        var sub = Property<TreeEnsembleModelParametersBasedOnRegressionTree>(model, "SubModel");
        var calibrator = Property<PlattCalibrator>(model, "Calibrator");
        return sub is not null && calibrator is not null ? new Member(sub.TrainedTreeEnsemble, calibrator) : null;
    }

    // Generic calibrated models redeclare SubModel/Calibrator with narrower types, so GetProperty(name) is ambiguous.
    private static T? Property<T>(object? model, string name) where T : class =>
        model?.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public)
            .Where(p => p.Name == name && p.GetIndexParameters().Length == 0)
            .Select(p => p.GetValue(model)).OfType<T>().FirstOrDefault();

    private static FlatTree? Flatten(RegressionTree tree, double weight)
    {
        var categories = new ulong[]?[tree.NumberOfNodes];
        for (var n = 0; n < tree.NumberOfNodes; n++)
        {
            if (!tree.CategoricalSplitFlags[n]) continue;
            var slots = tree.GetCategoricalSplitFeaturesAt(n);
            var bits = new ulong[slots.Count == 0 ? 0 : slots.Max() / 64 + 1];
            foreach (var slot in slots) bits[slot >> 6] |= 1UL << (slot & 63);
            categories[n] = bits;
        }
        return new FlatTree(tree.NumericalSplitFeatureIndexes.ToArray(), tree.NumericalSplitThresholds.ToArray(),
            tree.LeftChild.ToArray(), tree.RightChild.ToArray(), tree.LeafValues.ToArray(), weight, categories);
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

    // `positive` holds the slots of x above 0, in order: a categorical split reads only those rather than all its slots.
    private static double Evaluate(FlatTree tree, ReadOnlySpan<float> x, ReadOnlySpan<int> positive)
    {
        if (tree.Features.Length == 0) return tree.Leaves[0];
        var node = 0;
        while (node >= 0)
        {
            var right = tree.Categories[node] is { } bits ? AnySet(positive, bits) : !(x[tree.Features[node]] <= tree.Thresholds[node]);
            node = right ? tree.Right[node] : tree.Left[node];
        }
        return tree.Leaves[~node];
    }

    // As ML.NET's own trees decide a categorical split: right when any of the split's category slots is positive.
    private static bool AnySet(ReadOnlySpan<int> positive, ulong[] bits)
    {
        foreach (var s in positive)
        {
            if ((s >> 6) < bits.Length && (bits[s >> 6] & (1UL << (s & 63))) != 0) return true;
        }
        return false;
    }

    // Blocks of rows on up to `threads` threads, each block writing its rows' per-stage losses into its own buffer; the
    // buffers are then added into sums[k] in row order, so the sums are those of one thread going row by row.
    private static double[] Stage(List<Member> members, FlatTree[][] trees, int stages, TaskKind task, FeatureMatrix x, int[] rows, EncodedLabels labels,
        int threads)
    {
        var sums = new double[stages];
        var blockRows = Math.Clamp(Math.Min(BlockValues / Math.Max(1, stages), BlockSlots / Math.Max(1, x.Width)), 1, MaxBlockRows);
        var blocks = (rows.Length + blockRows - 1) / blockRows;
        var wave = Math.Min(blocks, Math.Max(1, threads) * 2);
        var categorical = trees.Any(ts => ts.Any(t => t.Categories.Any(c => c is not null)));
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

    /// <summary>One block's buffers, reused from block to block: its rows (dense, and the slots above 0 of each), their
    /// running scores, and Terms[i * stages + k], row i's term at stage k (its squared error, or minus the log of its
    /// class's probability).</summary>
    private sealed class Block(int rows, int stages, int width, int members, bool categorical)
    {
        private readonly float[] _dense = new float[rows * width];
        private readonly int[] _positive = new int[categorical ? rows * width : 0];
        private readonly int[] _positiveStart = new int[rows + 1];
        private readonly double[] _scores = new double[rows * members];
        private readonly double[] _probabilities = new double[members];

        public double[] Terms { get; } = new double[rows * stages];

        // Tree by tree over the block's rows, so a tree is read once per block; each row still adds its trees in order.
        public void Stage(List<Member> trained, FlatTree[][] trees, int stages, TaskKind task, FeatureMatrix x, ReadOnlySpan<int> rows, EncodedLabels labels)
        {
            var hot = 0;
            for (var i = 0; i < rows.Length; i++)
            {
                var row = _dense.AsSpan(i * width, width);
                x.CopyRow(rows[i], row);
                _positiveStart[i] = hot;
                if (categorical)
                {
                    for (var s = 0; s < width; s++)
                    {
                        if (row[s] > 0) _positive[hot++] = s;
                    }
                }
                for (var m = 0; m < members; m++) _scores[i * members + m] = trained[m].Ensemble.Bias;
            }
            _positiveStart[rows.Length] = hot;
            for (var k = 0; k < stages; k++)
            {
                for (var m = 0; m < members; m++)
                {
                    var tree = trees[m][k];
                    for (var i = 0; i < rows.Length; i++)
                    {
                        var positive = _positive.AsSpan(_positiveStart[i], _positiveStart[i + 1] - _positiveStart[i]);
                        _scores[i * members + m] += tree.Weight * Evaluate(tree, _dense.AsSpan(i * width, width), positive);
                    }
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
    private static double TrueClassProbability(List<Member> members, ReadOnlySpan<double> scores, TaskKind task, int y, double[] buffer)
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
