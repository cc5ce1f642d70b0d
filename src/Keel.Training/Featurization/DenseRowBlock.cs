namespace Keel.Training.Featurization;

/// <summary>A block of rows held dense for tree evaluation, and of each the slots above 0 among
/// <paramref name="categoricalSlots"/> (for ML.NET trees, <c>FlatTree.CategoricalSlots</c>; none when no tree splits on
/// categories); reused from block to block.</summary>
internal sealed class DenseRowBlock(int capacity, int width, int[] categoricalSlots)
{
    private readonly float[] _dense = new float[capacity * width];
    private readonly int[] _positive = new int[capacity * categoricalSlots.Length];
    private readonly int[] _positiveStart = new int[capacity + 1];

    /// <summary>Most rows in a block of <paramref name="width"/> slots: at most <paramref name="maxRows"/>, and fewer for wide
    /// rows so a block holds about 2^17 slots (0.5 MiB).</summary>
    public static int RowsFor(int width, int maxRows) => Math.Clamp((1 << 17) / Math.Max(1, width), 1, maxRows);

    /// <summary>Shares the rows of <paramref name="x"/> out in blocks of at most <paramref name="maxRows"/> (fewer for wide rows,
    /// <see cref="RowsFor"/>) to every core; a batch of one block (a served request) stays on the calling thread. Each worker
    /// reuses one block and one <paramref name="state"/> (made for the block's capacity in rows); <paramref name="work"/> gets
    /// them with the block loaded with rows [from, from + count).</summary>
    public static void ForEach<TState>(FeatureMatrix x, int maxRows, int[] categoricalSlots, Func<int, TState> state,
        Action<DenseRowBlock, TState, int, int> work)
    {
        var blockRows = RowsFor(x.Width, maxRows);
        var blocks = (x.RowCount + blockRows - 1) / blockRows;
        void Run(DenseRowBlock block, TState local, int b)
        {
            var from = b * blockRows;
            var count = Math.Min(blockRows, x.RowCount - from);
            block.Load(x, from, count);
            work(block, local, from, count);
        }
        if (blocks == 1) Run(new DenseRowBlock(x.RowCount, x.Width, categoricalSlots), state(x.RowCount), 0);
        if (blocks <= 1) return;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, blocks, parallel, () => (Block: new DenseRowBlock(blockRows, x.Width, categoricalSlots), State: state(blockRows)), (b, _, local) =>
        {
            Run(local.Block, local.State, b);
            return local;
        }, _ => { });
    }

    /// <summary>Copies <paramref name="rows"/> of <paramref name="x"/> into the block (row i of the block is rows[i]).</summary>
    public void Load(FeatureMatrix x, ReadOnlySpan<int> rows)
    {
        var hot = 0;
        for (var i = 0; i < rows.Length; i++) hot = LoadRow(x, rows[i], i, hot);
        _positiveStart[rows.Length] = hot;
    }

    /// <summary>Copies rows [<paramref name="from"/>, from + count) of <paramref name="x"/> into the block.</summary>
    public void Load(FeatureMatrix x, int from, int count)
    {
        var hot = 0;
        for (var i = 0; i < count; i++) hot = LoadRow(x, from + i, i, hot);
        _positiveStart[count] = hot;
    }

    private int LoadRow(FeatureMatrix x, int r, int i, int hot)
    {
        var row = _dense.AsSpan(i * width, width);
        x.CopyRow(r, row);
        _positiveStart[i] = hot;
        foreach (var s in categoricalSlots)
        {
            if (row[s] > 0) _positive[hot++] = s;
        }
        return hot;
    }

    /// <summary>Row <paramref name="i"/> of the block, dense.</summary>
    public ReadOnlySpan<float> Row(int i) => _dense.AsSpan(i * width, width);

    /// <summary>Row <paramref name="i"/>'s slots above 0 among the categorical slots, ascending.</summary>
    public ReadOnlySpan<int> Positive(int i) => _positive.AsSpan(_positiveStart[i], _positiveStart[i + 1] - _positiveStart[i]);
}
