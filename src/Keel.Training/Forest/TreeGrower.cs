namespace Keel.Training.Forest;

/// <summary>Grows one CART tree over pre-binned features: Gini (classification) or squared error (regression), the best of a
/// random subset of features at each split, histogram split search, depth first.</summary>
/// <remarks>As scikit-learn's BestSplitter: a split is searched among <c>mtry</c> features drawn without replacement that are not
/// constant in the node (constant ones drawn do not count), thresholds lie midway between neighbouring values, the first best
/// split wins ties, and a node is a leaf when pure, when it has fewer than 2 × the leaf minimum rows, at the depth cap, or when
/// no split leaves enough rows on both sides. Rows carry weights (bootstrap counts × example weights); leaf minimums count rows.</remarks>
internal sealed class TreeGrower
{
    private const int MaxBins = 256;
    private readonly FeatureBins _bins;
    private readonly int[]? _classes;
    private readonly double[]? _targets;
    private readonly int _width;
    private readonly int _mtry;
    private readonly int _minLeaf;
    private readonly int _maxDepth;
    private readonly double[] _histW = new double[MaxBins];
    private readonly int[] _histN = new int[MaxBins];
    private readonly double[] _histV;
    private readonly double[] _leftV;
    private readonly double[] _nodeV;
    private readonly double[] _totalV;

    /// <summary>A grower for class indices (<paramref name="classes"/> with <paramref name="classCount"/> classes) or regression targets.</summary>
    public TreeGrower(FeatureBins bins, int[]? classes, int classCount, double[]? targets, int mtry, int minLeaf, int maxDepth)
    {
        _bins = bins;
        _classes = classes;
        _targets = targets;
        _width = classes is null ? 1 : classCount;
        _mtry = mtry;
        _minLeaf = minLeaf;
        _maxDepth = maxDepth;
        _histV = new double[MaxBins * _width];
        _leftV = new double[_width];
        _nodeV = new double[_width];
        _totalV = new double[_width];
    }

    private readonly record struct Pending(int Node, int Start, int End, int Depth);

    private sealed class Builder
    {
        public readonly List<int> Feature = [];
        public readonly List<double> Threshold = [];
        public readonly List<int> Left = [];
        public readonly List<int> Right = [];
        public readonly List<double> Value = [];

        public int Add(int width)
        {
            Feature.Add(-1);
            Threshold.Add(0);
            Left.Add(-1);
            Right.Add(-1);
            for (var k = 0; k < width; k++) Value.Add(0);
            return Feature.Count - 1;
        }
    }

    /// <summary>Grows a tree on <paramref name="rows"/> (distinct row indices, reordered in place) weighted by <paramref name="weights"/> (by row index).</summary>
    public ForestTree Grow(int[] rows, double[] weights, Random rng)
    {
        var p = _bins.Thresholds.Length;
        var features = Enumerable.Range(0, p).ToArray();
        var tree = new Builder();
        var stack = new Stack<Pending>();
        stack.Push(new Pending(tree.Add(_width), 0, rows.Length, 0));
        while (stack.Count > 0)
        {
            var (node, start, end, depth) = stack.Pop();
            var total = NodeValue(rows, start, end, weights);
            for (var k = 0; k < _width; k++) tree.Value[node * _width + k] = _nodeV[k];
            var count = end - start;
            if (count < 2 || count < 2 * _minLeaf || (_maxDepth > 0 && depth >= _maxDepth) || Pure(rows, start, end, weights, total)) continue;
            if (BestSplit(rows, start, end, weights, features, rng) is not { } split) continue;
            // Rows whose bin is at most the split bin go left; partition the node's rows in place.
            var codes = _bins.Codes;
            var offset = (long)split.Feature * _bins.Rows;
            int i = start, j = end - 1;
            while (i <= j)
            {
                if (codes[offset + rows[i]] <= split.Bin) i++;
                else
                {
                    (rows[i], rows[j]) = (rows[j], rows[i]);
                    j--;
                }
            }
            var left = tree.Add(_width);
            var right = tree.Add(_width);
            tree.Feature[node] = split.Feature;
            tree.Threshold[node] = split.Threshold;
            tree.Left[node] = left;
            tree.Right[node] = right;
            stack.Push(new Pending(right, i, end, depth + 1));
            stack.Push(new Pending(left, start, i, depth + 1));
        }
        return new ForestTree([.. tree.Feature], [.. tree.Threshold], [.. tree.Left], [.. tree.Right], [.. tree.Value]);
    }

    // Fills _nodeV with the node's class fractions or mean label; returns its total weight.
    private double NodeValue(int[] rows, int start, int end, double[] weights)
    {
        Array.Clear(_nodeV);
        double total = 0;
        for (var i = start; i < end; i++)
        {
            var r = rows[i];
            var w = weights[r];
            total += w;
            if (_classes is not null) _nodeV[_classes[r]] += w;
            else _nodeV[0] += w * _targets![r];
        }
        if (total > 0) for (var k = 0; k < _width; k++) _nodeV[k] /= total;
        return total;
    }

    private bool Pure(int[] rows, int start, int end, double[] weights, double total)
    {
        if (_classes is not null) return _nodeV.Any(v => v >= 1 - 1e-12);
        var mean = _nodeV[0];
        double sq = 0;
        for (var i = start; i < end; i++) sq += weights[rows[i]] * (_targets![rows[i]] - mean) * (_targets[rows[i]] - mean);
        return total <= 0 || sq / total <= 1e-14 * Math.Max(1, mean * mean);
    }

    private readonly record struct Split(int Feature, int Bin, double Threshold);

    private Split? BestSplit(int[] rows, int start, int end, double[] weights, int[] features, Random rng)
    {
        Split? best = null;
        var bestScore = double.NegativeInfinity;
        var visited = 0;
        // Draw features without replacement (a partial Fisher-Yates shuffle) until mtry non-constant ones were searched.
        for (var drawn = 0; drawn < features.Length && visited < _mtry; drawn++)
        {
            var pick = drawn + rng.Next(features.Length - drawn);
            (features[drawn], features[pick]) = (features[pick], features[drawn]);
            var f = features[drawn];
            var (lowest, highest) = Histogram(rows, start, end, weights, f);
            if (lowest == highest) continue;
            visited++;
            if (SearchBins(f, lowest, highest, ref bestScore) is { } found) best = found;
        }
        return best;
    }

    private (int Lowest, int Highest) Histogram(int[] rows, int start, int end, double[] weights, int f)
    {
        var bins = _bins.Thresholds[f].Length + 1;
        Array.Clear(_histW, 0, bins);
        Array.Clear(_histN, 0, bins);
        Array.Clear(_histV, 0, bins * _width);
        var codes = _bins.Codes;
        var offset = (long)f * _bins.Rows;
        int lowest = int.MaxValue, highest = -1;
        for (var i = start; i < end; i++)
        {
            var r = rows[i];
            int b = codes[offset + r];
            var w = weights[r];
            _histW[b] += w;
            _histN[b]++;
            if (_classes is not null) _histV[b * _width + _classes[r]] += w;
            else _histV[b] += w * _targets![r];
            if (b < lowest) lowest = b;
            if (b > highest) highest = b;
        }
        return (lowest, highest);
    }

    // The best split of feature f between non-empty bins, if it beats bestScore (the children's summed proxy: Σ S²/W per side, the
    // weighted Gini or variance reduction up to a constant of the node).
    private Split? SearchBins(int f, int lowest, int highest, ref double bestScore)
    {
        double totalW = 0;
        var totalN = 0;
        for (var b = lowest; b <= highest; b++)
        {
            totalW += _histW[b];
            totalN += _histN[b];
        }
        Array.Clear(_leftV);
        var totalV = _totalV;
        Array.Clear(totalV);
        for (var b = lowest; b <= highest; b++)
            for (var k = 0; k < _width; k++) totalV[k] += _histV[b * _width + k];
        double leftW = 0;
        var leftN = 0;
        Split? best = null;
        var a = lowest;
        while (a < highest)
        {
            leftW += _histW[a];
            leftN += _histN[a];
            for (var k = 0; k < _width; k++) _leftV[k] += _histV[a * _width + k];
            var c = a + 1;
            while (_histN[c] == 0) c++;
            var rightN = totalN - leftN;
            var rightW = totalW - leftW;
            if (leftN >= _minLeaf && rightN >= _minLeaf && leftW > 0 && rightW > 0)
            {
                double sl = 0, sr = 0;
                for (var k = 0; k < _width; k++)
                {
                    var l = _leftV[k];
                    var r = totalV[k] - l;
                    sl += l * l;
                    sr += r * r;
                }
                var score = sl / leftW + sr / rightW;
                if (score > bestScore)
                {
                    bestScore = score;
                    best = new Split(f, a, Threshold(f, a, c));
                }
            }
            a = c;
        }
        return best;
    }

    // Midway between the values of neighbouring non-empty bins when the feature is binned exactly (scikit-learn's threshold), else
    // the upper edge of the left bin.
    private double Threshold(int f, int a, int c) =>
        _bins.Values[f] is { } values && c < values.Length ? FeatureBins.Midpoint(values[a], values[c]) : _bins.Thresholds[f][a];
}
