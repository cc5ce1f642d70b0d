using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Featurization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Training.MlNet;

/// <summary>An ML.NET data view straight over a <see cref="FeatureMatrix"/>: a fixed-size float vector "Features" plus "Label".</summary>
/// <remarks>No object per row: each cursor copies one row into ML.NET's reused buffer, standardising it on the way when
/// means and scales are given, so raw and standardised candidates share one matrix.</remarks>
internal sealed class MatrixDataView : IDataView
{
    private readonly FeatureMatrix _rows;
    private readonly EncodedLabels? _labels;
    private readonly TaskKind _task;
    private readonly double[]? _means;
    private readonly double[]? _scales;
    private readonly int[]? _subset;
    private readonly FeaturizerState? _state;
    private readonly int _classCount;
    private readonly double[]? _weights;

    /// <param name="rows">The featurised rows.</param>
    /// <param name="task">Decides the label type: Boolean (binary), key (multiclass) or float (regression).</param>
    /// <param name="classCount">Number of classes (multiclass key range).</param>
    /// <param name="labels">Labels of the rows; null gives default labels (prediction only).</param>
    /// <param name="state">When it carries means and scales, rows are standardised as they are read.</param>
    /// <param name="subset">Only these rows (in this order), without copying; null for every row.</param>
    /// <param name="weights">Example weights of the rows (indexed like <paramref name="rows"/>): adds the float column "Weight"; null for none.</param>
    public MatrixDataView(FeatureMatrix rows, TaskKind task, int classCount, EncodedLabels? labels, FeaturizerState? state = null, int[]? subset = null,
        double[]? weights = null)
    {
        _subset = subset;
        _state = state;
        _classCount = classCount;
        _weights = weights;
        _rows = rows;
        _task = task;
        _labels = labels;
        _means = state?.Means;
        _scales = state?.Scales;
    }

    private DataViewSchema? _schema;

    /// <summary>Slot ranges [first, last] of categorical features, announced to trainers as ML.NET's CategoricalSlotRanges
    /// annotation (LightGBM then splits on each range as one categorical feature); null announces none.</summary>
    public (int First, int Last)[]? CategoricalRanges { get; init; }

    /// <summary>The same view (labels, state, weights, categorical ranges) over only <paramref name="subset"/> of the rows.</summary>
    public MatrixDataView Subset(int[] subset) => new(_rows, _task, _classCount, _labels, _state, subset, _weights) { CategoricalRanges = CategoricalRanges };

    public bool CanShuffle => false;
    public DataViewSchema Schema => _schema ??= SchemaFor(_task, _classCount, _rows.Width, _weights is not null, CategoricalRanges);
    public long? GetRowCount() => Count;

    private int Count => _subset?.Length ?? _rows.RowCount;

    /// <summary>The schema of every view: what a saved model records as its input (without <paramref name="weighted"/>'s weight column).</summary>
    public static DataViewSchema SchemaFor(TaskKind task, int classCount, int width, bool weighted = false, (int First, int Last)[]? categoricalRanges = null)
    {
        var builder = new DataViewSchema.Builder();
        DataViewSchema.Annotations? annotations = null;
        if (categoricalRanges is { Length: > 0 } ranges)
        {
            var flat = ranges.SelectMany(r => new[] { r.First, r.Last }).ToArray();
            var annotated = new DataViewSchema.Annotations.Builder();
            annotated.Add("CategoricalSlotRanges", new VectorDataViewType(NumberDataViewType.Int32, flat.Length),
                (ref VBuffer<int> value) => value = new VBuffer<int>(flat.Length, flat));
            annotations = annotated.ToAnnotations();
        }
        builder.AddColumn(MlNetData.Features, new VectorDataViewType(NumberDataViewType.Single, width), annotations);
        DataViewType label = task switch
        {
            TaskKind.Binary => BooleanDataViewType.Instance,
            TaskKind.Multiclass => new KeyDataViewType(typeof(uint), classCount),
            _ => NumberDataViewType.Single,
        };
        builder.AddColumn(MlNetData.Label, label);
        if (weighted) builder.AddColumn(MlNetData.Weight, NumberDataViewType.Single);
        return builder.ToSchema();
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor(MatrixDataView view) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext()
        {
            if (_position + 1 >= view.Count)
            {
                _position = view.Count;
                return false;
            }
            _position++;
            return true;
        }

        // The matrix row under the cursor.
        private int Row => view._subset is { } s ? s[_position] : (int)_position;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            Delegate getter = column.Index == 0 ? FeatureGetter()
                : column.Index == 2 ? (ValueGetter<float>)((ref float v) => v = (float)view._weights![Row])
                : view._task switch
            {
                TaskKind.Binary => (ValueGetter<bool>)((ref bool v) => v = view._labels?.ClassIndices is { } y && y[Row] == 1),
                // Key values are 1-based (0 means missing): class index k is key k + 1, so score slot k is class k.
                TaskKind.Multiclass => (ValueGetter<uint>)((ref uint v) => v = view._labels?.ClassIndices is { } y ? (uint)y[Row] + 1 : 0u),
                _ => (ValueGetter<float>)((ref float v) => v = view._labels?.Values is { } y ? (float)y[Row] : 0f),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is not of type {typeof(TValue).Name}.");
        }

        private ValueGetter<VBuffer<float>> FeatureGetter() => (ref VBuffer<float> value) =>
        {
            var width = view._rows.Width;
            if (view._means is null && view._rows.StoredPerRow < width)
            {
                // Sparse when one-hot groups make it smaller: the trees' own data copies then hold one slot per group, not every slot.
                var sparse = VBufferEditor.Create(ref value, width, view._rows.StoredPerRow);
                view._rows.CopySparseRow(Row, sparse.Indices, sparse.Values);
                value = sparse.Commit();
                return;
            }
            var editor = VBufferEditor.Create(ref value, width);
            view._rows.CopyRow(Row, editor.Values);
            if (view._means is { } means && view._scales is { } scales) Featurizer.Standardise(editor.Values, means, scales);
            value = editor.Commit();
        };
    }
}
