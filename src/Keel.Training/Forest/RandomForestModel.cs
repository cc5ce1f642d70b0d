using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Featurization;
using Keel.Training.Packaging;

namespace Keel.Training.Forest;

/// <summary>A fitted random forest: the mean over its trees of the leaf's class fractions (classification) or mean label (regression).</summary>
internal sealed class RandomForestModel : IFeaturizedModel, Explanation.IExplainableModel
{
    private readonly ModelHeader _header;
    private readonly ForestState _forest;

    public RandomForestModel(ModelHeader header, FeaturizerState featurizer, ForestState forest)
    {
        _header = header;
        Featurizer = featurizer;
        _forest = forest;
    }

    public string Type => _header.Type;
    public TaskKind Task => _header.Task;
    public IReadOnlyList<string> Classes => _header.Classes;
    public FeaturizerState Featurizer { get; }
    public DataSchema InputSchema => Featurizer.InputSchema;

    /// <summary>The trees, for tests and the package.</summary>
    internal ForestState Forest => _forest;

    public float[][] Featurize(Table features) => Featurization.Featurizer.Transform(Featurizer, features);

    /// <summary>Most rows in one block of the work shared out to threads.</summary>
    private const int MaxBlockRows = 64;

    public Predictions Predict(Table features)
    {
        var rows = Featurization.Featurizer.TransformMatrix(Featurizer, features);
        var width = _forest.Width;
        var sums = new double[rows.RowCount][];
        // Blocks of rows on every core, tree by tree over a block, so a tree's upper nodes stay in cache for the block's rows
        // (a forest of deep trees is far larger than the cache). Each row still adds its trees in tree order, so the result
        // does not depend on the blocks or threads.
        DenseRowBlock.ForEach(rows, MaxBlockRows, [], _ => 0, (block, _, from, count) =>
        {
            for (var i = 0; i < count; i++) sums[from + i] = new double[width];
            foreach (var tree in _forest.Trees)
            {
                for (var i = 0; i < count; i++)
                {
                    var leaf = tree.Leaf(block.Row(i));
                    var sum = sums[from + i];
                    for (var k = 0; k < width; k++) sum[k] += tree.Value[leaf * width + k];
                }
            }
            for (var i = 0; i < count; i++)
            {
                var sum = sums[from + i];
                for (var k = 0; k < width; k++) sum[k] /= _forest.Trees.Count;
            }
        });
        return Task == TaskKind.Regression
            ? new Predictions { Task = Task, Values = sums.Select(s => s[0]).ToArray() }
            : new Predictions { Task = Task, Classes = Classes, Probabilities = sums };
    }

    /// <summary>Decision-path contributions (Saabas): at each split on a row's path, the change of the node value (the positive
    /// class's fraction, or the mean label) is credited to the split's feature, averaged over trees; they add up to the prediction
    /// less the forest's root value. None for multiclass.</summary>
    public (string Space, float[][] Slots)? SlotContributions(Table features)
    {
        if (Task == TaskKind.Multiclass) return null;
        var rows = Featurization.Featurizer.TransformMatrix(Featurizer, features);
        // Binary forests store both class fractions; the positive class's is the second.
        var width = _forest.Width;
        var k = width - 1;
        var slots = new float[rows.RowCount][];
        var row = new float[rows.Width];
        for (var r = 0; r < rows.RowCount; r++)
        {
            rows.CopyRow(r, row);
            var c = new double[rows.Width];
            foreach (var t in _forest.Trees)
            {
                var node = 0;
                while (t.Feature[node] >= 0)
                {
                    var next = row[t.Feature[node]] <= t.Threshold[node] ? t.Left[node] : t.Right[node];
                    c[t.Feature[node]] += t.Value[next * width + k] - t.Value[node * width + k];
                    node = next;
                }
            }
            slots[r] = c.Select(v => (float)(v / _forest.Trees.Count)).ToArray();
        }
        return (Task == TaskKind.Regression ? "value" : "score", slots);
    }

    public void Save(Stream stream) => PackageIO.Write(stream, Manifest.For(_header, InputSchema, Featurizer, null), _forest.ToBytes());

    public static RandomForestModel Load(Manifest manifest, byte[]? model)
    {
        var width = manifest.Task == TaskKind.Regression ? 1 : manifest.Classes.Count;
        if (manifest.Featurizer is null || model is null || ForestState.FromBytes(model, width, manifest.Featurizer.FeatureNames.Count) is not { } forest)
            throw new KeelInputException($"The model package of type '{manifest.Type}' lacks its featurizer state or readable trees.");
        return new RandomForestModel(manifest.Header, manifest.Featurizer, forest);
    }
}
