using Keel.Core;
using Keel.Core.Data;

namespace Keel.Training.Featurization;

/// <summary>Featurised rows (unstandardised) in contiguous buffers, with no object per row.</summary>
/// <remarks>Slots of a categorical column form a one-hot group with exactly one 1 per row (a category, other or missing), so
/// a group stores only that slot's index per row; every other slot (numbers, date parts, indicators, text buckets) is a
/// float in a row-major dense buffer. Flights-like data (2 airports hashed to 65 slots each) takes 2 ints a row instead
/// of 130 floats. Readers copy a row out with <see cref="CopyRow"/> into a buffer they reuse.</remarks>
internal sealed class FeatureMatrix
{
    private readonly int[] _denseIndex;
    private readonly int[] _denseSlots;
    private readonly float[] _dense;
    private readonly int[] _hot;
    private readonly int _groups;
    // Storage positions in feature order: d >= 0 is dense column d, ~g is one-hot group g.
    private readonly int[] _layout;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<FeaturizerState, Layout> Layouts = new();

    /// <summary>A state's storage layout (see the fields of the same names), shared read-only by its matrices.</summary>
    private sealed record Layout(int[] DenseIndex, int[] Storage, int[] DenseSlots, int Groups);

    private static Layout LayoutOf(FeaturizerState state)
    {
        var denseIndex = new int[state.FeatureNames.Count];
        Array.Fill(denseIndex, -1);
        var dense = new List<int>();
        var layout = new List<int>();
        var groups = 0;
        foreach (var plan in state.Columns.OrderBy(p => p.Offset))
        {
            if (IsOneHot(plan))
            {
                layout.Add(~groups++);
                continue;
            }
            for (var j = plan.Offset; j < plan.Offset + plan.Width; j++)
            {
                denseIndex[j] = dense.Count;
                layout.Add(dense.Count);
                dense.Add(j);
            }
        }
        return new Layout(denseIndex, layout.ToArray(), dense.ToArray(), groups);
    }

    /// <summary>An all-zero matrix laid out for <paramref name="state"/>'s columns.</summary>
    public FeatureMatrix(FeaturizerState state, int rowCount)
    {
        Width = state.FeatureNames.Count;
        RowCount = rowCount;
        // The layout depends on the state only; a served model makes one matrix per request, so it is worked out once per state.
        (_denseIndex, _layout, _denseSlots, _groups) = Layouts.GetValue(state, LayoutOf);
        if ((long)rowCount * Math.Max(_denseSlots.Length, _groups) > Array.MaxLength)
            throw new KeelInputException($"The data featurises to {rowCount} rows x {_denseSlots.Length} dense features, more than one buffer holds; use fewer rows or fewer text columns.");
        _dense = new float[rowCount * _denseSlots.Length];
        _hot = new int[rowCount * _groups];
    }

    public int RowCount { get; }
    public int Width { get; }

    /// <summary>Whether the column's slots are one-hot (categorical, one-hot or hashed, not target encoded): exactly one is 1 in every row.</summary>
    public static bool IsOneHot(ColumnPlan plan) =>
        plan.Target is null && plan.Type is not (ColumnType.Numeric or ColumnType.Boolean or ColumnType.DateTime or ColumnType.Text);

    /// <summary>Writes row <paramref name="r"/> (all <see cref="Width"/> slots) into <paramref name="destination"/>.</summary>
    public void CopyRow(int r, Span<float> destination)
    {
        destination[..Width].Clear();
        var nd = _denseSlots.Length;
        var dense = _dense.AsSpan(r * nd, nd);
        for (var d = 0; d < dense.Length; d++) destination[_denseSlots[d]] = dense[d];
        var hot = _hot.AsSpan(r * _groups, _groups);
        foreach (var slot in hot) destination[slot] = 1;
    }

    /// <summary>Whether a slot of some row is NaN (the featuriser fills missing values and makes numbers finite, so its rows never
    /// are; a scorer that cannot read NaN checks).</summary>
    public bool HasMissing() => _dense.AsSpan().IndexOfAnyExceptInRange(float.NegativeInfinity, float.PositiveInfinity) >= 0;

    /// <summary>Stored slots per row: every dense slot plus one per one-hot group (the length of a sparse row).</summary>
    public int StoredPerRow => _layout.Length;

    /// <summary>Writes row <paramref name="r"/> as a sparse vector: ascending slot indices and their values (explicit zeros
    /// included), <see cref="StoredPerRow"/> of each.</summary>
    public void CopySparseRow(int r, Span<int> indices, Span<float> values)
    {
        var nd = _denseSlots.Length;
        for (var p = 0; p < _layout.Length; p++)
        {
            var d = _layout[p];
            if (d >= 0)
            {
                indices[p] = _denseSlots[d];
                values[p] = _dense[r * nd + d];
            }
            else
            {
                indices[p] = _hot[r * _groups + ~d];
                values[p] = 1;
            }
        }
    }

    /// <summary>The dense storage of slots [feature, feature + count) of row <paramref name="r"/>; those slots must be dense.</summary>
    public Span<float> Dense(int r, int feature, int count) => _dense.AsSpan(r * _denseSlots.Length + _denseIndex[feature], count);

    /// <summary>Sets the one slot of one-hot group <paramref name="group"/> (its order among one-hot columns) that is 1 in row <paramref name="r"/>.</summary>
    public void SetHot(int r, int group, int feature) => _hot[r * _groups + group] = feature;

    /// <summary>Copies into one array per row, standardised when <paramref name="state"/> carries means and scales.</summary>
    public float[][] ToJagged(FeaturizerState state)
    {
        var rows = new float[RowCount][];
        for (var r = 0; r < RowCount; r++)
        {
            rows[r] = new float[Width];
            CopyRow(r, rows[r]);
            if (state.Means is { } means && state.Scales is { } scales) Featurizer.Standardise(rows[r], means, scales);
        }
        return rows;
    }
}
