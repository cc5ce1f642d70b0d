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
/// Each curve is computed on at most <see cref="MaxRows"/> rows (a seeded sample), with buffers reused across stages.</remarks>
internal static class StagedLoss
{
    /// <summary>Most rows a curve is computed on; larger sets are sampled (seeded), which keeps the cost bounded at scale.</summary>
    public const int MaxRows = 100_000;

    private sealed record Member(TreeEnsemble<RegressionTree> Ensemble, PlattCalibrator? Calibrator);

    /// <summary>One tree as arrays; <paramref name="Categories"/>[n] is non-null at a categorical split node: the slots (one-hot
    /// categories) that send a row right when any of them is set.</summary>
    private sealed record FlatTree(int[] Features, float[] Thresholds, int[] Left, int[] Right, double[] Leaves, double Weight, int[]?[] Categories);

    /// <summary>The curve, or null when the model's shape is not one this code can stage.</summary>
    /// <remarks>With <paramref name="softmax"/>, a multiclass model is a softmax over raw per-class scores (LightGBM)
    /// rather than normalised per-class calibrated probabilities (one-versus-all).</remarks>
    public static LossCurve? Compute(ITransformer transformer, TaskKind task, bool softmax, FeatureMatrix train, EncodedLabels trainLabels,
        FeatureMatrix? validation, EncodedLabels? validationLabels, int seed)
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
        var trainLoss = Stage(members, flat, stages, task, train, Sample(train.RowCount, seed), trainLabels);
        var validLoss = validation is null || validationLabels is null ? null
            : Stage(members, flat, stages, task, validation, Sample(validation.RowCount, seed), validationLabels);
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
        var categories = new int[]?[tree.NumberOfNodes];
        for (var n = 0; n < tree.NumberOfNodes; n++)
        {
            if (tree.CategoricalSplitFlags[n]) categories[n] = tree.GetCategoricalSplitFeaturesAt(n).ToArray();
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

    private static double Evaluate(FlatTree tree, ReadOnlySpan<float> x)
    {
        if (tree.Features.Length == 0) return tree.Leaves[0];
        var node = 0;
        while (node >= 0)
        {
            var right = tree.Categories[node] is { } slots ? AnySet(x, slots) : !(x[tree.Features[node]] <= tree.Thresholds[node]);
            node = right ? tree.Right[node] : tree.Left[node];
        }
        return tree.Leaves[~node];
    }

    // As ML.NET's own trees decide a categorical split: right when any of the split's category slots is positive.
    private static bool AnySet(ReadOnlySpan<float> x, int[] slots)
    {
        foreach (var s in slots)
        {
            if (x[s] > 0) return true;
        }
        return false;
    }

    // Row by row: each row is copied out once and walked through every stage; losses[k] sums the rows in row order.
    private static double[] Stage(List<Member> members, FlatTree[][] trees, int stages, TaskKind task, FeatureMatrix x, int[] rows, EncodedLabels labels)
    {
        var sums = new double[stages];
        var row = new float[x.Width];
        var scores = new double[members.Count];
        var probabilities = new double[members.Count];
        foreach (var r in rows)
        {
            x.CopyRow(r, row);
            for (var m = 0; m < members.Count; m++) scores[m] = members[m].Ensemble.Bias;
            for (var k = 0; k < stages; k++)
            {
                for (var m = 0; m < members.Count; m++)
                {
                    var tree = trees[m][k];
                    scores[m] += tree.Weight * Evaluate(tree, row);
                }
                if (task == TaskKind.Regression)
                {
                    var d = (float)scores[0] - labels.Values![r];
                    sums[k] += d * d;
                    continue;
                }
                var p = TrueClassProbability(members, scores, task, labels.ClassIndices![r], probabilities);
                sums[k] -= Math.Log(Math.Clamp(p, Losses.Epsilon, 1));
            }
        }
        var n = Math.Max(1, rows.Length);
        for (var k = 0; k < stages; k++) sums[k] = task == TaskKind.Regression ? Math.Sqrt(sums[k] / n) : sums[k] / n;
        return sums;
    }

    // The probability of class y, computed as the model computes all of them; `buffer` is reused across rows.
    private static double TrueClassProbability(List<Member> members, double[] scores, TaskKind task, int y, double[] buffer)
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
