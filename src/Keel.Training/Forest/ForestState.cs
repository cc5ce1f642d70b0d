namespace Keel.Training.Forest;

/// <summary>One grown tree in flat arrays indexed by node (node 0 is the root).</summary>
/// <param name="Feature">The split feature slot, or -1 at a leaf.</param>
/// <param name="Threshold">Rows whose feature value is at most this go to <paramref name="Left"/>, others (and NaN) to <paramref name="Right"/>.</param>
/// <param name="Left">The left child's node index (unused at a leaf).</param>
/// <param name="Right">The right child's node index (unused at a leaf).</param>
/// <param name="Value">Width values per node: class fractions (classification) or the mean label (regression), weighted.</param>
internal sealed record ForestTree(int[] Feature, double[] Threshold, int[] Left, int[] Right, double[] Value)
{
    /// <summary>Nodes in the tree.</summary>
    public int Nodes => Feature.Length;

    /// <summary>The leaf <paramref name="row"/> falls in.</summary>
    public int Leaf(ReadOnlySpan<float> row)
    {
        var node = 0;
        while (Feature[node] >= 0) node = row[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
        return node;
    }
}

/// <summary>A fitted forest: its trees and the number of values per node (classes, or 1 for regression).</summary>
internal sealed record ForestState(int Width, IReadOnlyList<ForestTree> Trees)
{
    private const int Magic = 0x3146524B; // "KRF1"

    /// <summary>Writes the trees as little-endian binary arrays (the package's model entry).</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(Magic);
            w.Write(Width);
            w.Write(Trees.Count);
            foreach (var t in Trees)
            {
                w.Write(t.Nodes);
                foreach (var v in t.Feature) w.Write(v);
                foreach (var v in t.Threshold) w.Write(v);
                foreach (var v in t.Left) w.Write(v);
                foreach (var v in t.Right) w.Write(v);
                foreach (var v in t.Value) w.Write(v);
            }
        }
        return stream.ToArray();
    }

    /// <summary>Reads what <see cref="ToBytes"/> wrote; null when the bytes are not a forest of <paramref name="width"/> values
    /// per node over <paramref name="features"/> feature slots.</summary>
    public static ForestState? FromBytes(byte[] bytes, int width, int features)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes));
            if (r.ReadInt32() != Magic || r.ReadInt32() != width) return null;
            var count = r.ReadInt32();
            if (count < 1) return null;
            var trees = new ForestTree[count];
            for (var i = 0; i < count; i++)
            {
                var n = r.ReadInt32();
                if (n < 1 || (long)n * (28 + 8L * width) > bytes.Length) return null;
                var t = new ForestTree(Read(n, r.ReadInt32), Read(n, r.ReadDouble), Read(n, r.ReadInt32), Read(n, r.ReadInt32), Read(n * width, r.ReadDouble));
                for (var k = 0; k < n; k++)
                {
                    if (t.Feature[k] >= features || (t.Feature[k] >= 0 && (t.Left[k] <= k || t.Left[k] >= n || t.Right[k] <= k || t.Right[k] >= n))) return null;
                }
                trees[i] = t;
            }
            return r.BaseStream.Position == bytes.Length ? new ForestState(width, trees) : null;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    private static T[] Read<T>(int n, Func<T> read)
    {
        var a = new T[n];
        for (var i = 0; i < n; i++) a[i] = read();
        return a;
    }
}
