using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Keel.Core.Data;
using Keel.Training.Featurization;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;

namespace Keel.Training.MlNet;

/// <summary>One ML.NET regression tree as one array of split nodes (feature, threshold and children side by side, so a row's
/// path reads few cache lines) and its leaf values; a categorical split keeps the slots (one-hot categories) that send a
/// row right when any of them is above 0, as a list and as a bit per slot.</summary>
/// <remarks>Read from ML.NET's public tree view; evaluated as ML.NET's own trees evaluate a row without missing values
/// (InternalRegressionTree.GetOutput): left when the slot is at most the threshold, and 0 for a tree without splits.</remarks>
internal sealed class FlatTree
{
    // A split node: Feature >= 0 is a numeric split on that slot, ~c the c-th categorical split; a child < 0 is leaf ~child.
    private readonly record struct Node(int Feature, float Threshold, int Left, int Right);

    private readonly Node[] _nodes;
    private readonly double[] _leaves;
    private readonly int[][] _categorySlots;
    private readonly ulong[][] _categoryBits;

    private FlatTree(Node[] nodes, double[] leaves, int[][] categorySlots, double weight)
    {
        foreach (var n in nodes)
        {
            if (!Child(n.Left, nodes.Length, leaves.Length) || !Child(n.Right, nodes.Length, leaves.Length))
                throw new InvalidOperationException($"A tree of {nodes.Length} split nodes and {leaves.Length} leaves points outside itself ({n.Left}, {n.Right}).");
            if (n.Feature >= 0) Width = Math.Max(Width, n.Feature + 1);
        }
        _nodes = nodes;
        _leaves = leaves;
        _categorySlots = categorySlots;
        _categoryBits = [.. categorySlots.Select(Bits)];
        foreach (var slots in categorySlots) Width = Math.Max(Width, slots.Length == 0 ? 0 : slots[^1] + 1);
        Weight = weight;
    }

    private static bool Child(int c, int nodes, int leaves) => c >= 0 ? c < nodes : ~c < leaves;

    /// <summary>The fewest slots a row must have for this tree: one past the highest slot a split reads.</summary>
    public int Width { get; }

    /// <summary>The tree's weight in its ensemble.</summary>
    public double Weight { get; }

    /// <summary>Every slot some categorical split of <paramref name="trees"/> reads, ascending: the only slots whose being
    /// above 0 a row must list for them (<see cref="Evaluate"/>'s positive slots).</summary>
    public static int[] CategoricalSlots(IEnumerable<FlatTree> trees) =>
        [.. trees.SelectMany(t => t._categorySlots.SelectMany(slots => slots)).Distinct().Order()];

    private static ulong[] Bits(int[] slots)
    {
        var bits = new ulong[slots.Length == 0 ? 0 : slots[^1] / 64 + 1];
        foreach (var slot in slots) bits[slot >> 6] |= 1UL << (slot & 63);
        return bits;
    }

    public static FlatTree Of(RegressionTreeBase tree, double weight)
    {
        var nodes = new Node[tree.NumberOfNodes];
        var categories = new List<int[]>();
        for (var n = 0; n < nodes.Length; n++)
        {
            var feature = tree.NumericalSplitFeatureIndexes[n];
            if (tree.CategoricalSplitFlags[n])
            {
                feature = ~categories.Count;
                categories.Add([.. tree.GetCategoricalSplitFeaturesAt(n).Distinct().Order()]);
            }
            nodes[n] = new Node(feature, tree.NumericalSplitThresholds[n], tree.LeftChild[n], tree.RightChild[n]);
        }
        return new FlatTree(nodes, tree.LeafValues.ToArray(), categories.ToArray(), weight);
    }

    /// <summary>The tree's output for the dense row <paramref name="x"/>; <paramref name="positive"/> lists, in order, its
    /// slots above 0 among <see cref="CategoricalSlots"/> of the trees it is evaluated with (a categorical split reads
    /// those or its own slots, whichever are fewer).</summary>
    public double Evaluate(ReadOnlySpan<float> x, ReadOnlySpan<int> positive)
    {
        // ML.NET gives 0, not its one leaf's value, for a tree that never split.
        if (_nodes.Length == 0) return 0;
        if (x.Length < Width) throw new ArgumentException($"The tree reads slot {Width - 1}; the row has {x.Length}.", nameof(x));
        // The hot loop of every tree prediction: its child indices were checked when the tree was read and its slots against
        // the row just now, so it walks without bounds checks.
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref var row = ref MemoryMarshal.GetReference(x);
        var node = 0;
        while (node >= 0)
        {
            ref readonly var n = ref Unsafe.Add(ref nodes, node);
            var right = n.Feature >= 0 ? !(Unsafe.Add(ref row, n.Feature) <= n.Threshold) : InSet(x, positive, ~n.Feature);
            node = right ? n.Right : n.Left;
        }
        return _leaves[~node];
    }

    // As ML.NET's own trees decide categorical split c: right when any of its slots is above 0. It reads the split's own
    // slots (as ML.NET does) or the row's positive ones, whichever list is shorter.
    private bool InSet(ReadOnlySpan<float> x, ReadOnlySpan<int> positive, int c)
    {
        var slots = _categorySlots[c];
        if (slots.Length <= positive.Length)
        {
            foreach (var s in slots)
            {
                if (x[s] > 0) return true;
            }
            return false;
        }
        var bits = _categoryBits[c];
        foreach (var s in positive)
        {
            if ((s >> 6) < bits.Length && (bits[s >> 6] & (1UL << (s & 63))) != 0) return true;
        }
        return false;
    }
}

/// <summary>One tree ensemble of a trained model and the Platt calibrator that turns its score into a probability (none
/// for regression and raw one-versus-rest scores).</summary>
internal sealed record TreeMember(TreeEnsemble<RegressionTree> Ensemble, PlattCalibrator? Calibrator)
{
    /// <summary>The model's ensembles: one for a binary or regression model, one per class (by reflection, as ML.NET 5 keeps
    /// one-versus-all's per-class models internal) for multiclass; null when the model is not made of such ensembles.</summary>
    public static List<TreeMember>? Read(object model, TaskKind task)
    {
        if (task != TaskKind.Multiclass) return Of(model) is { } m ? [m] : null;
        if (PerClassModels(model) is not { } subs) return null;
        var list = new List<TreeMember>();
        foreach (var sub in subs)
        {
            if (Of(sub) is not { } m) return null;
            list.Add(m);
        }
        return list;
    }

    /// <summary>A one-versus-all model's per-class models, in class order (internal in ML.NET 5, so read by reflection);
    /// null for any other model.</summary>
    public static IReadOnlyList<object>? PerClassModels(object model) =>
        model.GetType().GetProperty("SubModelParameters", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(model)
            is IEnumerable subs ? [.. subs.Cast<object>()] : null;

    private static TreeMember? Of(object? model)
    {
        if (model is TreeEnsembleModelParametersBasedOnRegressionTree plain) return new TreeMember(plain.TrainedTreeEnsemble, null);
        var sub = Property<TreeEnsembleModelParametersBasedOnRegressionTree>(model, "SubModel");
        var calibrator = Property<PlattCalibrator>(model, "Calibrator");
        return sub is not null && calibrator is not null ? new TreeMember(sub.TrainedTreeEnsemble, calibrator) : null;
    }

    // Generic calibrated models redeclare SubModel/Calibrator with narrower types, so GetProperty(name) is ambiguous.
    public static T? Property<T>(object? model, string name) where T : class =>
        model?.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public)
            .Where(p => p.Name == name && p.GetIndexParameters().Length == 0)
            .Select(p => p.GetValue(model)).OfType<T>().FirstOrDefault();
}
